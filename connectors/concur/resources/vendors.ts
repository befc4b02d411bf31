/**
 * `vendors` (source, lookup, target): Invoice vendors v3.1 of one address code (default MAIN),
 * keyed by `VendorCode` (also the record id: one address code per resource). Creates are batched in POST, updates in PUT (`{"Vendor": [...]}`), each
 * record's outcome read from its `StatusList`; deletes are one DELETE per vendor.
 *
 * Outcomes: a record whose status says it failed was refused (`not-applied`); a record the answer
 * has no status for (or an answer that cannot be read) may have been stored (`unknown`). The key is
 * VendorCode + AddressCode, but Concur does not document what a second POST of an existing vendor
 * does (the emulator refuses it with a 409 status; the real API may store it again or update it):
 * an in-doubt create is never sent twice on the strength of that key, the engine looks it up first.
 */
import type {
  DataRecord,
  SourceResource,
  TargetBinding,
  TargetRecord,
  TargetResource,
  WriteOp,
  WriteOutcome,
} from '../../../engine/connector/types.js';
import { ConnectorError, RecordError, mayHaveApplied } from '../../../engine/errors.js';
import type { ConcurClient } from '../client.js';
import { CONCUR_ERRORS } from '../errors.js';
import { classifiedAfterSend } from '../write-outcome.js';
import { v3Pages } from './paging.js';
import type { ConcurOpeners, ResourceEnv } from './resource.js';
import { VENDOR_BATCH } from './write-limits.js';

type Json = Record<string, unknown>;

const READ_ONLY = ['ID', 'URI', 'StatusList', 'VendorBankList', 'VendorGroupList'];

function writable(v: Json): Json {
  const out: Json = {};
  for (const [k, val] of Object.entries(v))
    if (!READ_ONLY.includes(k) && val !== null && val !== undefined) out[k] = val;
  return out;
}

async function* vendorPages(client: ConcurClient, addressCode: string, limit = 1000): AsyncGenerator<Json[]> {
  yield* v3Pages(client, {
    path: '/api/v3.1/invoice/vendors',
    searchParams: { limit, addressCode },
    op: 'GET vendors',
    family: 'vendors',
    itemKeys: ['Vendor', 'Items'],
  });
}

interface Status {
  Code?: number;
  Message?: string;
  RecordNumber?: number;
  Type?: string;
}

function statusFailure(statuses: Status[]): string | undefined {
  const bad = statuses.filter(
    (s) => /error|fail/i.test(String(s.Type ?? '')) || (typeof s.Code === 'number' && s.Code >= 400),
  );
  return bad.length > 0 ? bad.map((s) => s.Message ?? s.Type).join('; ') : undefined;
}

/** Outcome per request record: by RecordNumber (1-based), then position, then VendorCode. */
function mapStatuses(ops: { key: string; record: Json }[], body: unknown): WriteOutcome[] {
  const returned = (((body ?? {}) as Json).Vendor ?? ((body ?? {}) as Json).Items ?? []) as Json[];
  const list = Array.isArray(returned) ? returned : [returned];
  return ops.map((op, i) => {
    const byNumber = list.find((v) => ((v.StatusList ?? []) as Status[]).some((s) => s.RecordNumber === i + 1));
    const match =
      byNumber ??
      (list.length === ops.length ? list[i] : undefined) ??
      list.find((v) => v.VendorCode === op.record.VendorCode);
    if (!match)
      return {
        key: op.key,
        ok: false,
        error: new ConnectorError(CONCUR_ERRORS.vendorNoStatus, 'the response has no status for this vendor', {
          retryable: true,
          recordKey: op.key,
          writeOutcome: 'unknown',
        }),
      };
    const statuses = (Array.isArray(match.StatusList) ? match.StatusList : [match.StatusList]).filter(
      Boolean,
    ) as Status[];
    const failure = statusFailure(statuses);
    if (failure)
      return {
        key: op.key,
        ok: false,
        error: new ConnectorError(CONCUR_ERRORS.vendorRejected, failure, {
          recordKey: op.key,
          writeOutcome: 'not-applied',
          ...(statuses[0]?.Code !== undefined && { remoteCode: String(statuses[0].Code) }),
        }),
      };
    return { key: op.key, ok: true, id: String(op.record.VendorCode ?? op.key) };
  });
}

function source(env: ResourceEnv, options: DataRecord): SourceResource {
  const addressCode = String(options.addressCode ?? 'MAIN');
  return {
    async *read(request) {
      for await (const page of vendorPages(env.client, addressCode, Math.min(1000, request.pageSize ?? 1000)))
        if (page.length > 0) yield page.map(writable);
    },
  };
}

function target(env: ResourceEnv, options: DataRecord, binding: TargetBinding): TargetResource {
  const addressCode = String(options.addressCode ?? 'MAIN');
  const keyField = binding.keyField ?? 'VendorCode';
  let index: Map<string, TargetRecord> | undefined;
  const load = async (): Promise<Map<string, TargetRecord>> => {
    if (index) return index;
    const map = new Map<string, TargetRecord>();
    for await (const page of vendorPages(env.client, addressCode)) {
      for (const v of page) {
        const record = writable(v);
        map.set(String(record[keyField]), { key: String(record[keyField]), id: String(record.VendorCode), record });
      }
    }
    index = map;
    return map;
  };
  const batch = async (method: 'POST' | 'PUT', ops: { key: string; record: Json }[]): Promise<WriteOutcome[]> => {
    const out: WriteOutcome[] = [];
    for (let i = 0; i < ops.length; i += VENDOR_BATCH) {
      const chunk = ops.slice(i, i + VENDOR_BATCH);
      try {
        const res = await env.client.request({
          method,
          path: '/api/v3.1/invoice/vendors',
          json: { Vendor: chunk.map((c) => c.record) },
          family: 'vendors',
          op: `${method} vendors`,
          idempotent: method === 'PUT',
        });
        out.push(...mapStatuses(chunk, res.body));
      } catch (raw) {
        const error = classifiedAfterSend(raw);
        out.push(...chunk.map((c) => ({ key: c.key, ok: false, error })));
      }
    }
    return out;
  };
  return {
    commitWindowMs: env.config.timeoutMs + env.config.commitWindowMs,
    async lookup(keys) {
      const map = await load();
      return new Map(keys.filter((k) => map.has(k)).map((k) => [k, map.get(k)!]));
    },
    async *list() {
      yield [...(await load()).values()];
    },
    async write(ops: WriteOp[]) {
      const withAddress = (r: Json): Json => ({ AddressCode: addressCode, ...writable(r) });
      const creates = ops.filter((o) => o.op === 'create').map((o) => ({ key: o.key, record: withAddress(o.record) }));
      const updates = ops
        .filter((o) => o.op === 'update')
        .map((o) => ({ key: o.key, record: withAddress({ ...o.before, ...o.record }) }));
      const outcomes = [...(await batch('POST', creates)), ...(await batch('PUT', updates))];
      for (const op of ops) {
        if (op.op !== 'delete') continue;
        try {
          const res = await env.client.request({
            method: 'DELETE',
            path: '/api/v3.1/invoice/vendors',
            searchParams: {
              vendorCode: String(op.before.VendorCode ?? op.key),
              addressCode: String(op.before.AddressCode ?? addressCode),
            },
            family: 'vendors',
            op: 'DELETE vendor',
            idempotent: true,
          });
          outcomes.push(...mapStatuses([{ key: op.key, record: op.before }], res.body));
        } catch (raw) {
          outcomes.push({ key: op.key, ok: false, error: classifiedAfterSend(raw) });
        }
      }
      if (outcomes.some((x) => x.error && mayHaveApplied(x.error))) {
        // Some vendor may have been stored: what was read is stale, the next lookup reads again.
        index = undefined;
      } else if (index) {
        for (const o of outcomes.filter((x) => x.ok)) {
          const op = ops.find((x) => x.key === o.key)!;
          if (op.op === 'delete') index.delete(op.key);
          else
            index.set(op.key, {
              key: op.key,
              id: o.id ?? op.key,
              record: withAddress(op.op === 'update' ? { ...op.before, ...op.record } : op.record),
            });
        }
      }
      return outcomes.map((o) =>
        o.ok || o.error
          ? o
          : {
              ...o,
              error: new RecordError(CONCUR_ERRORS.vendorRejected, 'rejected', {
                recordKey: o.key,
                writeOutcome: 'unknown',
              }),
            },
      );
    },
  };
}

export const vendorsOpeners: ConcurOpeners = { source, target };
