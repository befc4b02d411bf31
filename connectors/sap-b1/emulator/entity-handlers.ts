/**
 * CRUD on the entity sets: collections with query options and paging, single entities with ETags,
 * creates, PATCH, DELETE and bound actions, each answered in the request's protocol version.
 */
import { createHash } from 'node:crypto';
import { decodeEntity, encodeEntity, type Entity } from './edm/codec.js';
import { entityTypeOf, type EntitySetName } from './edm/model.js';
import { ENTITY_SETS } from './entity-sets.js';
import { faults } from './errors.js';
import { header, type EmulatorCore, type EmulatorRequest, type Reply } from './core.js';
import { nextLinkQuery, parseQueryOptions, parseQueryString, selectEntities } from './odata/query-options.js';
import { formatNextLink } from './dialect.js';
import { formatKey, parseResourcePath } from './routing.js';
import { RULES } from './rules/index.js';
import type { RuleContext } from './rules/types.js';

export function etagOf(entity: Entity): string {
  return `W/"${createHash('sha1').update(JSON.stringify(entity)).digest('hex').toUpperCase()}"`;
}

function ruleContext(core: EmulatorCore, req: EmulatorRequest, set: EntitySetName): RuleContext {
  return {
    store: core.store,
    clock: core.clock,
    set,
    replaceCollections: header(req, 'b1s-replacecollectionsonpatch') === 'true',
    localCurrency: core.store.company.localCurrency,
    company: core.store.company,
  };
}

function pageSize(core: EmulatorCore, req: EmulatorRequest): { size: number; applied?: string } {
  const prefer = /odata\.maxpagesize=(\d+)/.exec(header(req, 'prefer') ?? '');
  if (prefer) return { size: Number(prefer[1]), applied: `odata.maxpagesize=${prefer[1]}` };
  const b1s = header(req, 'b1s-pagesize');
  if (b1s !== undefined && /^\d+$/.test(b1s)) return { size: Number(b1s) };
  return { size: core.options.defaultPageSize };
}

function render(req: EmulatorRequest, set: EntitySetName, entity: Entity, select?: string[]): Entity {
  const { name } = entityTypeOf(set);
  const body = encodeEntity(name, entity, req.dialect.version, select);
  return ENTITY_SETS[set].etag ? { [req.dialect.etag]: etagOf(entity), ...body } : body;
}

function list(core: EmulatorCore, req: EmulatorRequest, set: EntitySetName, countOnly: boolean): Reply {
  const { name } = entityTypeOf(set);
  const opts = parseQueryOptions(parseQueryString(req.rawQuery), name);
  const ci = core.options.caseInsensitive || header(req, 'b1s-caseinsensitive') === 'true';
  const paging = countOnly ? { size: 0 } : pageSize(core, req);
  const sel = selectEntities(core.store.all(set), opts, name, ENTITY_SETS[set].key, paging.size, ci);
  if (countOnly) return { status: 200, text: { contentType: 'text/plain;charset=utf-8', body: String(sel.total) } };
  const d = req.dialect;
  const json: Entity = { [d.context]: d.contextValue(req.base, set, false) };
  if (opts.count) json[d.count] = d.countValue(sel.total);
  json.value = sel.page.map((e) => render(req, set, e, opts.select));
  if (sel.next)
    json[d.nextLink] = formatNextLink(
      core.options.nextLinkStyle,
      d.version,
      req.base,
      set,
      nextLinkQuery(opts, sel.next),
    );
  return { status: 200, json, headers: paging.applied ? { 'preference-applied': paging.applied } : {} };
}

function checkIfMatch(req: EmulatorRequest, set: EntitySetName, entity: Entity): void {
  const ifMatch = header(req, 'if-match');
  if (!ENTITY_SETS[set].etag || ifMatch === undefined || ifMatch === '*') return;
  if (ifMatch !== etagOf(entity)) throw faults.etagMismatch();
}

function create(core: EmulatorCore, req: EmulatorRequest, set: EntitySetName): Reply {
  const { name } = entityTypeOf(set);
  const entity = RULES[set].create(ruleContext(core, req, set), decodeEntity(name, req.body));
  core.store.put(set, entity);
  const id = entity[ENTITY_SETS[set].key] as string | number;
  req.journal.record({ method: 'POST', entitySet: set, id, entity: structuredClone(entity) });
  const location = `${req.base}/b1s/${req.dialect.version}/${set}(${formatKey(entity[ENTITY_SETS[set].key])})`;
  if (/return-no-content/.test(header(req, 'prefer') ?? '')) {
    return { status: 204, headers: { location, 'preference-applied': 'return-no-content' } };
  }
  const headers: Record<string, string> = { location };
  if (ENTITY_SETS[set].etag) headers.etag = etagOf(entity);
  return {
    status: 201,
    headers,
    json: { [req.dialect.context]: req.dialect.contextValue(req.base, set, true), ...render(req, set, entity) },
  };
}

function single(req: EmulatorRequest, set: EntitySetName, entity: Entity): Reply {
  const { name } = entityTypeOf(set);
  const opts = parseQueryOptions(parseQueryString(req.rawQuery), name);
  const headers: Record<string, string> = ENTITY_SETS[set].etag ? { etag: etagOf(entity) } : {};
  return {
    status: 200,
    headers,
    json: {
      [req.dialect.context]: req.dialect.contextValue(req.base, set, true),
      ...render(req, set, entity, opts.select),
    },
  };
}

function stored(core: EmulatorCore, set: EntitySetName, key: string | number): Entity | undefined {
  const entity = core.store.get(set, key);
  return entity && structuredClone(entity);
}

export function handleEntityRequest(core: EmulatorCore, req: EmulatorRequest): Reply {
  const route = parseResourcePath(req.path);
  const { set } = route;
  const rules = RULES[set];
  const method = req.method;
  if (route.key === undefined) {
    if (route.tail === '$count' && method === 'GET') return list(core, req, set, true);
    if (route.tail !== undefined) throw faults.noResource(route.tail);
    if (method === 'GET') return list(core, req, set, false);
    if (method === 'POST') return create(core, req, set);
    throw faults.notSupported();
  }
  const existing = core.store.get(set, route.key);
  if (!existing) throw faults.notFound();
  const ctx = ruleContext(core, req, set);
  if (route.tail !== undefined) {
    const action = rules.actions?.[route.tail];
    if (!action) throw faults.noResource(route.tail);
    if (method !== 'POST') throw faults.notSupported();
    checkIfMatch(req, set, existing);
    action(ctx, existing);
    req.journal.record({
      method,
      entitySet: set,
      id: route.key,
      action: route.tail,
      entity: stored(core, set, route.key),
    });
    return { status: 204 };
  }
  switch (method) {
    case 'GET':
      return single(req, set, existing);
    case 'PATCH':
    case 'MERGE':
    case 'PUT': {
      checkIfMatch(req, set, existing);
      const { name } = entityTypeOf(set);
      core.store.put(set, rules.update(ctx, existing, decodeEntity(name, req.body)));
      req.journal.record({ method, entitySet: set, id: route.key, entity: stored(core, set, route.key) });
      return { status: 204 };
    }
    case 'DELETE':
      checkIfMatch(req, set, existing);
      rules.remove(ctx, existing);
      core.store.delete(set, route.key);
      req.journal.record({ method, entitySet: set, id: route.key });
      return { status: 204 };
    default:
      throw faults.notSupported();
  }
}
