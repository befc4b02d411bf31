/**
 * User Provisioning v4 SCIM bulk: at most 100 operations a request, answered 202 with a provision
 * id; the status is polled (from `provisioning.pollIntervalMs`, growing 1.5x up to a minute) until
 * it completes, then each operation's result is read back by its `bulkId`.
 */
import { ConnectorError, asSluiceError, type SluiceError } from '../../../engine/errors.js';
import { sleep } from '../../../engine/runtime/retry.js';
import type { ConcurClient } from '../client.js';
import type { ResolvedConfig } from '../config.js';

type Json = Record<string, unknown>;

export const SCIM_BULK_LIMIT = 100;
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

async function runChunk(
  client: ConcurClient,
  config: ResolvedConfig,
  ops: BulkOperation[],
  signal?: AbortSignal,
): Promise<Map<string, BulkResult>> {
  const out = new Map<string, BulkResult>();
  const res = await client.request<ProvisionStatus>({
    method: 'POST',
    path: '/profile/v4/Bulk',
    json: { schemas: [BULK_SCHEMA], Operations: ops },
    family: 'scim',
    op: 'POST provisioning bulk',
  });
  const id = res.body?.id;
  if (!id)
    throw new ConnectorError('CONCUR_PROVISION_NO_ID', 'the bulk request was accepted without a provision id', {
      retryable: true,
    });
  const deadline = Date.now() + config.provisioning.timeoutMs;
  let wait = config.provisioning.pollIntervalMs;
  let status: ProvisionStatus & { operations: StatusOperation[] } = { operations: [] };
  for (;;) {
    await sleep(wait, signal);
    status = await readStatus(client, id);
    if (status.status?.completed === true) break;
    if (Date.now() + wait > deadline) break;
    wait = Math.min(60_000, Math.max(1, Math.round(wait * 1.5)));
  }
  ops.forEach((op, i) => {
    const s =
      status.operations.find((o) => o.bulkId === op.bulkId) ?? status.operations.find((o) => o.id === String(i + 1));
    if (!s || s.status?.completed !== true) {
      out.set(op.bulkId, {
        ok: false,
        error: new ConnectorError(
          'CONCUR_PROVISION_PENDING',
          `provision ${id}: operation ${op.bulkId} has not settled`,
          { retryable: true },
        ),
      });
    } else if (s.status.success === true) {
      out.set(op.bulkId, { ok: true, ...(s.resource?.id && { resourceId: s.resource.id }) });
    } else {
      out.set(op.bulkId, {
        ok: false,
        error: new ConnectorError('CONCUR_PROVISION_FAILED', failureMessage(s), { remoteCode: id }),
      });
    }
  });
  return out;
}

/** Runs the operations in bulk requests of 100; a request that fails as a whole fails each of its operations. */
export async function runScimBulk(
  client: ConcurClient,
  config: ResolvedConfig,
  ops: BulkOperation[],
  signal?: AbortSignal,
): Promise<Map<string, BulkResult>> {
  const out = new Map<string, BulkResult>();
  for (let i = 0; i < ops.length; i += SCIM_BULK_LIMIT) {
    const chunk = ops.slice(i, i + SCIM_BULK_LIMIT);
    try {
      for (const [k, v] of await runChunk(client, config, chunk, signal)) out.set(k, v);
    } catch (raw) {
      const error = asSluiceError(raw);
      for (const op of chunk) out.set(op.bulkId, { ok: false, error });
    }
  }
  return out;
}
