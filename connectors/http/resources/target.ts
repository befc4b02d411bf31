/** Opening a collection as a target: look-up by key, listing, and writes one request per record. */
import type {
  DataRecord,
  TargetBinding,
  TargetRecord,
  TargetResource,
  WriteOp,
  WriteOutcome,
} from '../../../engine/connector/types.js';
import { ConfigError } from '../../../engine/errors.js';
import { HTTP_ERRORS } from '../errors.js';
import { compileOptions, type Compiled } from '../options.js';
import { listPages } from '../pagination.js';
import type { ResourceEnv } from './env.js';
import { lookupByKey, toTargetRecord } from './lookup.js';
import { inOrder, writeOne } from './write-one.js';

export type WriteAll = (ops: WriteOp[]) => Promise<WriteOutcome[]>;

export function openTargetWith(
  env: ResourceEnv,
  options: DataRecord,
  binding: TargetBinding,
  resourceKey: string,
  writer?: (c: Compiled) => WriteAll,
): TargetResource {
  const c = compileOptions(options);
  if (binding.mode === 'mirror' && !c.options.delete) {
    throw new ConfigError(
      HTTP_ERRORS.config,
      `target ${c.options.path}: mode mirror deletes records, so the resource options need delete (e.g. delete: { path: "${c.options.path.replace(/\/+$/, '')}/{$id}" })`,
    );
  }
  const keyField = binding.keyField ?? resourceKey;
  const { client } = env;
  return {
    commitWindowMs: client.config.commitWindowMs,
    lookup: (keys) => lookupByKey(client, c, keys, keyField),
    async *list(): AsyncIterable<TargetRecord[]> {
      for await (const page of listPages(client, c)) {
        const records = page.map((r) => toTargetRecord(c, r, keyField)).filter((t): t is TargetRecord => !!t);
        if (records.length > 0) yield records;
      }
    },
    write:
      writer?.(c) ??
      ((ops) =>
        inOrder(
          ops,
          ops.map((op) => async () => [await writeOne(client, c, op)]),
        )),
  };
}
