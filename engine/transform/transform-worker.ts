/**
 * A transform thread (see transform-pool.ts): builds the pipeline's transform from the program and a
 * copy of the lookup tables, then evaluates the chunks of records it is sent, one chunk at a time,
 * each only once it has claimed it (the main thread may have taken it meanwhile: then it is skipped).
 * It answers each record with the expression's raw value, the transform's RecordError (code, message
 * as describeError shows it, reason class), or `again`: something the main thread must evaluate
 * itself (an unexpected failure, or a value a structured clone cannot carry back).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DataRecord } from '../connector/types.js';
import { RecordError, describeError } from '../errors.js';
import { CLAIM_THREAD, claim } from './claims.js';
import type { JsonataProgram } from './library.js';
import { MapLookup, Transform } from './transform.js';

export interface WorkerInit {
  program: JsonataProgram;
  lookups: [name: string, entries: [string, DataRecord][]][];
}

export interface WorkerRequest {
  id: number;
  /** One claim per chunk of the page, shared with the main thread (claims.ts). */
  claims: Int32Array;
  chunk: number;
  records: DataRecord[];
}

export type WorkerResult =
  { v: unknown } | { e: { code: string; message: string; reasonClass: string } } | { again: true };

export type WorkerReply =
  { id: number; results: WorkerResult[] } | { id: number; skipped: true } | { id: number; broken: string };

const port = parentPort!;
const init = workerData as WorkerInit;
const ready = Transform.create(
  init.program,
  new Map(init.lookups.map(([name, entries]) => [name, new MapLookup(new Map(entries))])),
);
// A failed start is answered per request: the main thread then evaluates everything itself.
ready.catch(() => undefined);

async function evaluate(t: Transform, records: DataRecord[]): Promise<WorkerResult[]> {
  const results: WorkerResult[] = [];
  for (const record of records) {
    try {
      results.push({ v: await t.evaluate(record) });
    } catch (err) {
      results.push(
        err instanceof RecordError
          ? { e: { code: err.code, message: describeError(err), reasonClass: err.reasonClass } }
          : { again: true },
      );
    }
  }
  return results;
}

function reply(id: number, results: WorkerResult[]): void {
  try {
    port.postMessage({ id, results } satisfies WorkerReply);
  } catch {
    // A value the structured clone cannot carry (a function in the output): that record goes back.
    const safe = results.map((r): WorkerResult => {
      if (!('v' in r)) return r;
      try {
        structuredClone(r.v);
        return r;
      } catch {
        return { again: true };
      }
    });
    port.postMessage({ id, results: safe } satisfies WorkerReply);
  }
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: WorkerRequest) => {
  queue = queue.then(async () => {
    let t: Transform;
    try {
      t = await ready;
    } catch (err) {
      port.postMessage({ id: msg.id, broken: describeError(err) } satisfies WorkerReply);
      return;
    }
    if (!claim(msg.claims, msg.chunk, CLAIM_THREAD)) {
      port.postMessage({ id: msg.id, skipped: true } satisfies WorkerReply);
      return;
    }
    reply(msg.id, await evaluate(t, msg.records));
  });
});
