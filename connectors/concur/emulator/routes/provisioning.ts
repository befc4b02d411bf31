/**
 * User Provisioning v4: SCIM bulk (1-100 operations, 400 KB) answered with 202 and a provision
 * id whose status is polled until it completes, plus single `POST /Users` and `PATCH|PUT /Users/{id}`.
 * Operations are applied when the bulk request arrives; the status reports them pending for the
 * configured number of polls.
 */
import { randomUUID } from 'node:crypto';
import { errorResponse } from '../error-bodies.js';
import { tellCommitted } from '../events.js';
import type { EmuContext, EmuRequest, EmuResponse, RouteDef } from '../router.js';
import { CORE_USER, extensionOf } from '../scim-create-rules.js';
import { ScimError, type PatchOperation } from '../scim-patch.js';
import { createUser, identityView, patchUser, replaceUser } from '../scim-users.js';
import type { Json, Provision, ProvisionOperation } from '../state.js';

export const MAX_BULK_OPERATIONS = 100;
export const MAX_BULK_BYTES = 400 * 1024;
const STATUS_SCHEMA = 'urn:ietf:params:scim:schemas:extension:concur:2.0:Provision:Status';

function scimFailure(err: unknown): EmuResponse {
  if (err instanceof ScimError)
    return errorResponse('scim', err.status, err.message, {
      ...(err.scimType && { scimType: err.scimType }),
      ...(err.schemaPath && { schemaPath: err.schemaPath }),
    });
  throw err;
}

function runOperation(ctx: EmuContext, origin: string, raw: Json, index: number): ProvisionOperation {
  const method = String(raw.method ?? '').toUpperCase();
  const path = String(raw.path ?? '');
  const base: ProvisionOperation = {
    id: String(index + 1),
    method,
    path,
    success: false,
    messages: [],
    ...(typeof raw.bulkId === 'string' && { bulkId: raw.bulkId }),
  };
  try {
    const data = (raw.data ?? {}) as Json;
    const target = /^\/Users\/([^/]+)$/.exec(path)?.[1];
    let user: Json;
    if (method === 'POST' && path === '/Users') user = createUser(ctx.state, data, origin, ctx.options.userCreateRules);
    else if (method === 'PATCH' && target)
      user = patchUser(ctx.state, target, (data.Operations ?? []) as PatchOperation[], origin);
    else if (method === 'PUT' && target) user = replaceUser(ctx.state, target, data, origin);
    else throw new ScimError(400, `Unsupported operation ${method} ${path}`, 'invalidSyntax');
    return { ...base, success: true, resourceId: String(user.id) };
  } catch (err) {
    if (!(err instanceof ScimError)) throw err;
    const message = { code: err.scimType ?? String(err.status), message: err.message, type: 'error' as const };
    return { ...base, messages: [{ ...message, ...(err.schemaPath && { schemaPath: err.schemaPath }) }] };
  }
}

function userWritten(ctx: EmuContext, id: string): { key: string; id: string } {
  return { key: String(ctx.state.users.get(id)?.userName ?? ''), id };
}

function statusBody(origin: string, p: Provision, withOperations: boolean, startIndex = 1, count = 100): Json {
  const pending = p.pendingPolls > 0;
  const total = p.operations.length;
  const succeeded = p.operations.filter((o) => o.success).length;
  const body: Json = {
    schemas: [STATUS_SCHEMA],
    id: p.id,
    operationsCount: pending
      ? { total, success: 0, failed: 0, pending: total }
      : { total, success: succeeded, failed: total - succeeded, pending: 0 },
    status: pending ? { completed: false } : { completed: true, success: succeeded === total },
    meta: {
      location: `${origin}/profile/v4/provisions/${p.id}/status`,
      created: p.created,
      lastModified: new Date().toISOString(),
      provisionType: 'Bulk',
      resourceType: 'ProvisionRequest',
    },
  };
  if (!withOperations) return body;
  const slice = p.operations.slice(startIndex - 1, startIndex - 1 + count);
  body.totalResults = total;
  body.startIndex = startIndex;
  body.itemsPerPage = slice.length;
  body.operations = slice.map((o) => ({
    id: o.id,
    ...(o.bulkId && { bulkId: o.bulkId }),
    status: pending ? { completed: false } : { completed: true, success: o.success },
    ...(o.resourceId && { resource: { id: o.resourceId, type: 'User' } }),
    extensions: [
      {
        // A failure is reported by the extension the attribute at fault belongs to.
        name: o.success ? CORE_USER : extensionOf(o.messages[0]?.schemaPath),
        status: pending
          ? { completed: false }
          : {
              completed: true,
              success: o.success,
              code: o.success ? '200' : '400',
              result: o.success ? 'success' : 'error',
            },
        ...(!pending && o.messages[0] && { messages: o.messages[0] }),
      },
    ],
  }));
  return body;
}

function bulk(req: EmuRequest, ctx: EmuContext): EmuResponse {
  if (Buffer.byteLength(req.rawBody) > MAX_BULK_BYTES)
    return errorResponse('scim', 413, 'The bulk request is larger than 400 KB', { scimType: 'tooLarge' });
  const ops = (req.body as Json | undefined)?.Operations;
  if (!Array.isArray(ops) || ops.length < 1)
    return errorResponse('scim', 400, 'Operations must contain at least one operation', { scimType: 'invalidSyntax' });
  if (ops.length > MAX_BULK_OPERATIONS) {
    return errorResponse('scim', 413, `A bulk request is limited to ${MAX_BULK_OPERATIONS} operations`, {
      scimType: 'tooMany',
    });
  }
  const provision: Provision = {
    id: randomUUID(),
    created: new Date(ctx.clock.now()).toISOString(),
    operations: (ops as Json[]).map((op, i) => runOperation(ctx, req.origin, op, i)),
    pendingPolls: ctx.options.provisionPendingPolls,
  };
  ctx.state.provisions.set(provision.id, provision);
  const done = provision.operations.filter((o) => o.success && o.resourceId !== undefined);
  tellCommitted(
    ctx,
    req,
    'users',
    done.map((o) => userWritten(ctx, String(o.resourceId))),
  );
  return { status: 202, body: statusBody(req.origin, provision, false) };
}

function status(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const p = ctx.state.provisions.get(req.params.id ?? '');
  if (!p) return errorResponse('scim', 404, `Provision request ${req.params.id ?? ''} was not found`);
  const body = statusBody(
    req.origin,
    p,
    (req.query.get('attributes') ?? '').includes('operations'),
    Math.max(1, Number(req.query.get('startIndex') ?? 1) || 1),
    Math.max(1, Number(req.query.get('count') ?? 100) || 100),
  );
  if (p.pendingPolls > 0) p.pendingPolls -= 1;
  return { status: 200, body };
}

function single(req: EmuRequest, ctx: EmuContext, kind: 'create' | 'patch' | 'put'): EmuResponse {
  try {
    const body = (req.body ?? {}) as Json;
    const id = req.params.id ?? '';
    const user =
      kind === 'create'
        ? createUser(ctx.state, body, req.origin, ctx.options.userCreateRules)
        : kind === 'patch'
          ? patchUser(ctx.state, id, (body.Operations ?? []) as PatchOperation[], req.origin)
          : replaceUser(ctx.state, id, body, req.origin);
    const provisionId = randomUUID();
    tellCommitted(ctx, req, 'users', [userWritten(ctx, String(user.id))]);
    ctx.state.provisions.set(provisionId, {
      id: provisionId,
      created: new Date(ctx.clock.now()).toISOString(),
      operations: [
        { id: '1', method: req.method, path: req.path, success: true, resourceId: String(user.id), messages: [] },
      ],
      pendingPolls: 0,
    });
    const view = identityView(user);
    const meta = {
      ...(view.meta as Json),
      provisionId,
      statusUrl: `${req.origin}/profile/v4/provisions/${provisionId}/status`,
    };
    return { status: kind === 'create' ? 201 : 200, body: { ...view, meta } };
  } catch (err) {
    return scimFailure(err);
  }
}

export const provisioningRoutes: RouteDef[] = [
  ...(['POST', 'PATCH', 'PUT'] as const).map((method): RouteDef => ({
    method,
    path: '/profile/v4/Bulk',
    family: 'scim',
    auth: true,
    handler: bulk,
  })),
  { method: 'GET', path: '/profile/v4/provisions/:id/status', family: 'scim', auth: true, handler: status },
  {
    method: 'POST',
    path: '/profile/v4/Users',
    family: 'scim',
    auth: true,
    handler: (req, ctx) => single(req, ctx, 'create'),
  },
  {
    method: 'PATCH',
    path: '/profile/v4/Users/:id',
    family: 'scim',
    auth: true,
    handler: (req, ctx) => single(req, ctx, 'patch'),
  },
  {
    method: 'PUT',
    path: '/profile/v4/Users/:id',
    family: 'scim',
    auth: true,
    handler: (req, ctx) => single(req, ctx, 'put'),
  },
];
