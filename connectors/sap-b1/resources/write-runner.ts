/**
 * Runs a target's prepared writes, as `$batch` requests (one change set per record) or one request
 * per record with `concurrency` in flight, and turns each answer into a per-record outcome. Creates
 * whose fate is unknown (5xx, timeout, dropped connection, unreadable batch answer) go through
 * `recover`, which looks them up instead of assuming anything; they are never replayed blindly.
 */
import type { DataRecord, WriteOutcome } from '../../../engine/connector/types.js';
import { ConnectorError, asSluiceError, mayHaveApplied, type SluiceError } from '../../../engine/errors.js';
import type { BatchResult } from '../batch.js';
import type { ServiceLayerClient } from '../client.js';
import { serviceLayerError } from '../errors.js';
import { Limiter } from '../limiter.js';

export interface PreparedWrite {
  key: string;
  method: 'POST' | 'PATCH' | 'DELETE';
  /** Below the service root: `JournalEntries`, `Projects('P1')`. */
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
  /** A create: its outcome is unknown when the answer is lost. */
  create: boolean;
  /** The target id from a 2xx answer. */
  idOf(body: DataRecord, headers: Record<string, string | string[] | undefined>): string;
}

/** Outcomes for creates whose answer was lost: found ones are written, the rest fail retryably. */
export type Recover = (keys: string[], cause: SluiceError) => Promise<Map<string, WriteOutcome>>;

function label(w: PreparedWrite): string {
  return `${w.method} ${w.path.replace(/\(.*$/, '')}`;
}

function fromResult(w: PreparedWrite, r: BatchResult): WriteOutcome {
  if (r.status >= 200 && r.status < 300)
    return { key: w.key, ok: true, id: w.idOf((r.body ?? {}) as DataRecord, r.headers) };
  return { key: w.key, ok: false, error: serviceLayerError(label(w), r.status || 500, r.body, r.raw) };
}

async function recoverAll(writes: PreparedWrite[], error: SluiceError, recover: Recover): Promise<WriteOutcome[]> {
  const ambiguous = mayHaveApplied(error) ? writes.filter((w) => w.create) : [];
  const recovered =
    ambiguous.length > 0
      ? await recover(
          ambiguous.map((w) => w.key),
          error,
        )
      : new Map<string, WriteOutcome>();
  return writes.map((w) => recovered.get(w.key) ?? { key: w.key, ok: false, error });
}

async function oneByOne(
  client: ServiceLayerClient,
  writes: PreparedWrite[],
  recover: Recover,
): Promise<WriteOutcome[]> {
  const pool = new Limiter(client.config.concurrency);
  return pool.map(writes, async (w) => {
    try {
      const res = await client.request({
        method: w.method,
        path: w.path,
        ...(w.json !== undefined && { json: w.json }),
        headers: w.headers ?? {},
        op: label(w),
        retry: !w.create,
      });
      return { key: w.key, ok: true, id: w.idOf((res.body ?? {}) as DataRecord, res.headers) };
    } catch (raw) {
      return (await recoverAll([w], asSluiceError(raw), recover))[0] as WriteOutcome;
    }
  });
}

async function batched(client: ServiceLayerClient, writes: PreparedWrite[], recover: Recover): Promise<WriteOutcome[]> {
  const outcomes = new Map<PreparedWrite, WriteOutcome>();
  let pending = writes;
  while (pending.length > 0) {
    let results: BatchResult[];
    try {
      results = await client.batch(
        pending.map((w) => ({
          method: w.method,
          path: w.path,
          json: w.json,
          ...(w.headers && { headers: w.headers }),
        })),
      );
    } catch (raw) {
      const done = await recoverAll(pending, asSluiceError(raw), recover);
      pending.forEach((w, i) => outcomes.set(w, done[i] as WriteOutcome));
      break;
    }
    if (results.length === 0) {
      const error = new ConnectorError('SAP_B1_UNEXPECTED_RESPONSE', 'POST $batch: the answer holds no result', {
        retryable: true,
        writeOutcome: 'unknown',
      });
      const done = await recoverAll(pending, error, recover);
      pending.forEach((w, i) => outcomes.set(w, done[i] as WriteOutcome));
      break;
    }
    results.forEach((r, i) => outcomes.set(pending[i] as PreparedWrite, fromResult(pending[i] as PreparedWrite, r)));
    // Processing stopped at a failure: what came after it was not run; send it again.
    pending = pending.slice(results.length);
  }
  return writes.map((w) => outcomes.get(w) as WriteOutcome);
}

export async function runWrites(
  client: ServiceLayerClient,
  writes: PreparedWrite[],
  recover: Recover,
): Promise<WriteOutcome[]> {
  if (writes.length === 0) return [];
  return client.config.batch && writes.length > 1
    ? batched(client, writes, recover)
    : oneByOne(client, writes, recover);
}
