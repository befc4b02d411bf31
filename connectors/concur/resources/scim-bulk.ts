/**
 * User Provisioning v4 SCIM bulk: at most 100 operations a request, answered 202 with a provision
 * id; the status is polled (from `provisioning.pollIntervalMs`, growing 1.5x up to a minute, on the
 * injected clock) until it completes, then each operation's result is read back by its `bulkId`.
 *
 * What each failure means for the write (`writeOutcome`): before the 202, whatever the client
 * says (a refused request applied nothing). After the 202 the operations are Concur's to run: a
 * status that cannot be read, a job still pending when polling gives up, an operation missing from
 * the status or one that failed after part of it succeeded are all `unknown`. Only an operation
 * the status reports failed as a whole is `not-applied`.
 *
 * Sending an in-doubt create again is not harmless to rely on: Concur keeps `userName` unique, so a
 * second `POST /Users` for a user the first one created fails with 409 `uniqueness` (it cannot make
 * a second user), but that failure says nothing about whether this run's data was stored: the
 * engine settles such a create by looking the user up, never by sending it twice.
 */
import { ConnectorError, type SluiceError } from '../../../engine/errors.js';
import type { Clock } from '../../../engine/runtime/clock.js';
import type { ConcurClient } from '../client.js';
import type { ResolvedConfig } from '../config.js';
import { CONCUR_ERRORS } from '../errors.js';
import { classifiedAfterSend } from '../write-outcome.js';
import type { ResourceEnv } from './resource.js';
import { SCIM_BULK_LIMIT } from './write-limits.js';

type Json = Record<string, unknown>;

const BULK_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface BulkOperation {
  bulkId: string;
  method: 'POST' | 'PATCH' | 'PUT';
  path: string;
  data: Json;
}

export interface BulkResult {
  ok: boolean;
  resourceId?: string;
  error?: SluiceError;
}

interface StatusOperation {
  id?: string;
  bulkId?: string;
  status?: { completed?: boolean; success?: boolean };
  resource?: { id?: string };
  extensions?: { name?: string; status?: { success?: boolean; result?: string }; messages?: Json | Json[] }[];
}

interface ProvisionStatus {
  id?: string;
  status?: { completed?: boolean; success?: boolean };
  operationsCount?: { total?: number; pending?: number };
  operations?: StatusOperation[];
  totalResults?: number;
  itemsPerPage?: number;
}

export interface BulkEnv {
  client: ConcurClient;
  config: ResolvedConfig;
  clock: Clock;
  signal?: AbortSignal | undefined;
}

export function bulkEnv(env: ResourceEnv): BulkEnv {
  return { client: env.client, config: env.config, clock: env.clock, signal: env.context.signal };
}

/** A failed operation of which some part (an extension, the core user) succeeded: it is partly applied. */
function partlyApplied(op: StatusOperation): boolean {
  return op.resource?.id !== undefined || (op.extensions ?? []).some((e) => e.status?.success === true);
}

function failureMessage(op: StatusOperation): string {
  const messages: string[] = [];
  for (const ext of op.extensions ?? []) {
    const list = Array.isArray(ext.messages) ? ext.messages : ext.messages ? [ext.messages] : [];
    for (const m of list) if (typeof m.message === 'string') messages.push(m.message);
    if (list.length === 0 && ext.status && ext.status.success === false)
      messages.push(`${ext.name ?? 'extension'}: ${ext.status.result ?? 'error'}`);
  }
  return messages.join('; ') || 'the provisioning operation failed';
}

async function readStatus(
  client: ConcurClient,
  id: string,
): Promise<ProvisionStatus & { operations: StatusOperation[] }> {
  const operations: StatusOperation[] = [];
  let first: ProvisionStatus | undefined;
  for (let startIndex = 1; ;) {
    const res = await client.request<ProvisionStatus>({
      method: 'GET',
      path: `/profile/v4/provisions/${encodeURIComponent(id)}/status`,
      searchParams: { attributes: 'operations', startIndex, count: 100 },
      family: 'scim',
      op: 'GET provision status',
    });
    first ??= res.body;
    const page = res.body?.operations ?? [];
    operations.push(...page);
    const total = res.body?.totalResults ?? page.length;
    startIndex += page.length;
    if (page.length === 0 || startIndex > total || res.body?.status?.completed !== true) break;
  }
  return { ...first, operations };
}

/** Sends one bulk request; the provision id once Concur accepted it. */
async function submit(client: ConcurClient, ops: BulkOperation[]): Promise<string> {
  const res = await client.request<ProvisionStatus>({
    method: 'POST',
    path: '/profile/v4/Bulk',
    json: { schemas: [BULK_SCHEMA], Operations: ops },
    family: 'scim',
    op: 'POST provisioning bulk',
  });
  const id = res.body?.id;
  if (!id)
    throw new ConnectorError(CONCUR_ERRORS.provisionNoId, 'the bulk request was accepted without a provision id', {
      retryable: true,
      status: res.status,
      writeOutcome: 'unknown',
    });
  return id;
}

/** Polls until the provision completes, or until the next poll would come after the deadline (`provisioning.timeoutMs`). */
async function poll(env: BulkEnv, id: string): Promise<ProvisionStatus & { operations: StatusOperation[] }> {
  const deadline = env.clock.now() + env.config.provisioning.timeoutMs;
  let wait = env.config.provisioning.pollIntervalMs;
  for (;;) {
    await env.clock.sleep(wait, env.signal);
    const status = await readStatus(env.client, id);
    if (status.status?.completed === true) return status;
    wait = Math.min(60_000, Math.max(1, Math.round(wait * 1.5)));
    if (env.clock.now() + wait > deadline) return status;
  }
}

function resultOf(id: string, op: BulkOperation, s: StatusOperation | undefined): BulkResult {
  if (!s)
    return {
      ok: false,
      error: new ConnectorError(
        CONCUR_ERRORS.provisionNoResult,
        `provision ${id}: the status has no result for operation ${op.bulkId}`,
        { retryable: true, writeOutcome: 'unknown', remoteCode: id },
      ),
    };
  if (s.status?.completed !== true)
    return {
      ok: false,
      error: new ConnectorError(
        CONCUR_ERRORS.provisionPending,
        `provision ${id}: operation ${op.bulkId} had not settled when polling gave up`,
        { retryable: true, writeOutcome: 'unknown', remoteCode: id },
      ),
    };
  if (s.status.success === true) return { ok: true, ...(s.resource?.id && { resourceId: s.resource.id }) };
  const partly = partlyApplied(s);
  return {
    ok: false,
    error: new ConnectorError(
      CONCUR_ERRORS.provisionFailed,
      `${failureMessage(s)}${partly ? ' (part of the operation was applied)' : ''}`,
      { remoteCode: id, writeOutcome: partly ? 'unknown' : 'not-applied' },
    ),
  };
}

async function runChunk(env: BulkEnv, ops: BulkOperation[]): Promise<Map<string, BulkResult>> {
  const id = await submit(env.client, ops);
  let status: ProvisionStatus & { operations: StatusOperation[] };
  try {
    status = await poll(env, id);
  } catch (err) {
    // Accepted, then the status could not be read (or the run was stopped): the operations are Concur's.
    throw new ConnectorError(
      CONCUR_ERRORS.provisionUnreadable,
      `provision ${id}: accepted, but its status could not be read`,
      { retryable: true, remoteCode: id, writeOutcome: 'unknown', cause: err },
    );
  }
  const out = new Map<string, BulkResult>();
  ops.forEach((op, i) => {
    const s =
      status.operations.find((o) => o.bulkId === op.bulkId) ?? status.operations.find((o) => o.id === String(i + 1));
    out.set(op.bulkId, resultOf(id, op, s));
  });
  return out;
}

/** Runs the operations in bulk requests of 100; a request that fails as a whole fails each of its operations. */
export async function runScimBulk(env: BulkEnv, ops: BulkOperation[]): Promise<Map<string, BulkResult>> {
  const out = new Map<string, BulkResult>();
  for (let i = 0; i < ops.length; i += SCIM_BULK_LIMIT) {
    const chunk = ops.slice(i, i + SCIM_BULK_LIMIT);
    try {
      for (const [k, v] of await runChunk(env, chunk)) out.set(k, v);
    } catch (raw) {
      const error = classifiedAfterSend(raw);
      for (const op of chunk) out.set(op.bulkId, { ok: false, error });
    }
  }
  return out;
}
