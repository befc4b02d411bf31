/**
 * `list-items` (source, lookup, target): List v4 items of one list, keyed by the long code.
 * Reads walk the hierarchy (pages of 100); writes go through the bulk API (250 a call). A sync
 * that changed k of N items costs the reads of the list plus ceil(k / 250) writes per kind
 * (creates; updates and deactivations). Removal is `deactivate`: the bulk API's `deleted: true`
 * is a soft delete (the item stays, `isDeleted`, reversible with `deleted: false`).
 */
import type {
  DataRecord,
  SourceResource,
  TargetBinding,
  TargetRecord,
  TargetResource,
  WriteOp,
} from '../../../engine/connector/types.js';
import { asSluiceError, mayHaveApplied } from '../../../engine/errors.js';
import { withOutcome } from '../write-outcome.js';
import { readListItems, resolveListId, type ListItemRecord } from './list-items-read.js';
import { writeListItems } from './list-items-write.js';
import type { ConcurOpeners, ResourceEnv } from './resource.js';

interface Options {
  list?: string;
  listId?: string;
  includeDeleted?: boolean;
}

/** The comparable record: what a transform produces for this target. */
function comparable(r: ListItemRecord): DataRecord {
  return {
    code: r.code,
    shortCode: r.shortCode,
    ...(r.parentCode && { parentCode: r.parentCode }),
    value: r.value,
    isDeleted: r.isDeleted,
  };
}

function toTarget(r: ListItemRecord, keyField: string): TargetRecord {
  const record = comparable(r);
  // The bulk API addresses items by long code, and a create answers no id: the long code is the id.
  return { key: String(record[keyField] ?? r.code), id: r.code, record, active: !r.isDeleted };
}

function source(env: ResourceEnv, options: DataRecord): SourceResource {
  const o = options as Options;
  return {
    async *read() {
      const listId = await resolveListId(env.client, o);
      for await (const page of readListItems(env.client, listId, o.includeDeleted === true)) yield page;
    },
  };
}

function target(env: ResourceEnv, options: DataRecord, binding: TargetBinding): TargetResource {
  const o = options as Options;
  const keyField = binding.keyField ?? 'code';
  let listId: string | undefined;
  /** The list's items by long code, and the same items by the target key (one look-up per key, never a scan). */
  let index: Map<string, ListItemRecord> | undefined;
  let byKey: Map<string, ListItemRecord> | undefined;
  const keyOf = (r: ListItemRecord): string => toTarget(r, keyField).key;

  async function ensureList(): Promise<string> {
    listId ??= await resolveListId(env.client, o);
    return listId;
  }

  async function load(): Promise<Map<string, ListItemRecord>> {
    if (index && byKey) return byKey;
    const id = await ensureList();
    const codes = new Map<string, ListItemRecord>();
    const keys = new Map<string, ListItemRecord>();
    for await (const page of readListItems(env.client, id, true)) {
      for (const r of page) {
        codes.set(r.code, r);
        keys.set(keyOf(r), r);
      }
    }
    index = codes;
    byKey = keys;
    return keys;
  }

  /** Puts a written item in both indexes (its key may have changed when the key field is not the code). */
  function remember(r: ListItemRecord): void {
    const old = index!.get(r.code);
    if (old) byKey!.delete(keyOf(old));
    index!.set(r.code, r);
    byKey!.set(keyOf(r), r);
  }

  return {
    commitWindowMs: env.config.timeoutMs + env.config.commitWindowMs,
    async lookup(keys) {
      const map = await load();
      const out = new Map<string, TargetRecord>();
      for (const key of keys) {
        const r = map.get(key);
        if (r) out.set(key, toTarget(r, keyField));
      }
      return out;
    },
    async *list() {
      await load();
      const all = [...index!.values()].map((r) => toTarget(r, keyField));
      for (let i = 0; i < all.length; i += 500) yield all.slice(i, i + 500);
    },
    async write(ops: WriteOp[]) {
      const id = await ensureList().catch((raw: unknown) => {
        throw withOutcome(asSluiceError(raw), 'not-applied'); // the list could not be found: nothing was sent
      });
      const { outcomes, written } = await writeListItems(env.client, id, ops);
      if (outcomes.some((x) => x.error && mayHaveApplied(x.error))) {
        // Some part may have been applied: what was read is stale, the next lookup reads the list again.
        index = undefined;
        byKey = undefined;
      } else if (index && byKey) {
        for (const w of written) {
          const existing = index.get(w.code);
          if (existing)
            remember({ ...existing, ...(w.value !== undefined && { value: w.value }), isDeleted: w.deleted });
          else if (w.codes) {
            remember({
              id: '',
              listId: id,
              code: w.code,
              shortCode: w.codes.shortCode,
              ...(w.codes.parentCode && { parentCode: w.codes.parentCode }),
              value: w.value ?? '',
              level: w.codes.level,
              isDeleted: false,
            });
          }
        }
      }
      return outcomes;
    },
  };
}

export const listItemsOpeners: ConcurOpeners = { source, target };
