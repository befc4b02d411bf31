/**
 * What a Service Layer request addresses, read from its path below /b1s/vN/ against the $metadata:
 * Login / Logout / $metadata / $batch / the service document, an entity set, one entity by key
 * (`Set(1)`, `Set('a')`, `Set(Key=1)`), `Set/$count`, a bound action (`Set(1)/Cancel`) or a function
 * import (`SBOBobService_GetCurrencyRate`).
 */
import { sapB1Model, type EdmFunction, type EdmStructured } from './metadata.js';
import type { Version } from './values.js';

export type Resource =
  | { kind: 'login' | 'logout' | 'metadata' | 'batch' | 'service' }
  | { kind: 'set'; set: string; type: EdmStructured }
  | { kind: 'entity'; set: string; type: EdmStructured }
  | { kind: 'count'; set: string; type: EdmStructured }
  | { kind: 'action'; set: string; type: EdmStructured; fn: EdmFunction }
  | { kind: 'function'; fn: EdmFunction }
  | { kind: 'unknown'; problem: string };

export interface Addressed {
  version: Version;
  resource: Resource;
  /** Problems with the key (type of key literal). */
  problems: string[];
}

function keyProblem(raw: string, type: EdmStructured): string | undefined {
  const keyName = type.key[0];
  const keyType = keyName ? type.properties.get(keyName)?.type : undefined;
  const named = keyName ? new RegExp(`^${keyName}=(.*)$`).exec(raw) : null;
  const text = named ? named[1]! : raw;
  if (/^\w+=/.test(raw) && !named) return `key ${raw}: ${type.name}'s key is ${keyName}`;
  if (keyType === 'Edm.String' && !/^'(?:[^']|'')*'$/.test(text))
    return `key ${raw}: ${keyName} is Edm.String, quote it`;
  if (keyType?.startsWith('Edm.Int') && !/^-?\d+$/.test(text)) return `key ${raw}: ${keyName} is ${keyType}`;
  return undefined;
}

/** Splits `/b1s/v2/JournalEntries(5)/Cancel` (percent-decoded) into version and resource. */
export function address(pathname: string): Addressed | undefined {
  const m = /^\/b1s\/(v1|v2)\/?(.*)$/.exec(pathname);
  if (!m) return undefined;
  const version = m[1] as Version;
  const rest = m[2]!;
  const problems: string[] = [];
  const fixed: Record<string, Resource['kind']> = {
    Login: 'login',
    Logout: 'logout',
    $metadata: 'metadata',
    $batch: 'batch',
    '': 'service',
  };
  const kind = fixed[rest];
  if (kind) return { version, resource: { kind } as Resource, problems };
  const model = sapB1Model();
  const r = /^([A-Za-z_]\w*)(?:\((.*)\))?(?:\/([$\w]+))?$/.exec(rest);
  if (!r) return { version, resource: { kind: 'unknown', problem: `${rest} is not a resource path` }, problems };
  const [, name = '', key, tail] = r;
  const typeName = model.entitySets.get(name);
  if (!typeName) {
    const fns = model.functions.get(name)?.filter((f) => !f.bindable) ?? [];
    if (fns[0] && key === undefined && tail === undefined)
      return { version, resource: { kind: 'function', fn: fns[0] }, problems };
    return {
      version,
      resource: { kind: 'unknown', problem: `${name} is neither an entity set nor a function import of the $metadata` },
      problems,
    };
  }
  const type = model.types.get(typeName)!;
  if (key !== undefined) {
    const wrong = keyProblem(key, type);
    if (wrong) problems.push(wrong);
  }
  if (tail === undefined)
    return { version, resource: { kind: key === undefined ? 'set' : 'entity', set: name, type }, problems };
  if (tail === '$count' && key === undefined)
    return { version, resource: { kind: 'count', set: name, type }, problems };
  const fn = model.functions.get(tail)?.find((f) => f.bindable && f.binding === typeName);
  if (fn && key !== undefined) return { version, resource: { kind: 'action', set: name, type, fn }, problems };
  const bound =
    model.functions
      .get(tail)
      ?.filter((f) => f.bindable)
      .map((f) => f.binding) ?? [];
  return {
    version,
    resource: {
      kind: 'unknown',
      problem: `${name}(..)/${tail} is not a bound action of ${typeName}${bound.length > 0 ? ` (${tail} binds to ${bound.join(', ')})` : ''}`,
    },
    problems,
  };
}
