/**
 * The transform evaluated on worker threads beside the main thread. JSONata is most of a first run's
 * CPU; a page's records are cut into chunks that idle threads take from the front while the main
 * thread works through them from the back, and the outcomes come back in record order — exactly
 * what Transform.applyMany returns (the same program, the same lookups, copied into each thread).
 *
 * Threads take chunks as soon as a page is started; the main thread joins in (from the back) only
 * when the page's outcomes are asked for, so meanwhile it finishes the previous page.
 *
 * The main thread keeps what a thread could change or not carry: records that are not plain JSON
 * (see plain-json.ts), records a thread hands back (`again`), and every chunk of a thread that
 * failed (the pool then stops using threads). Small pages never reach a thread. A thread holds the
 * process open only while it has work.
 */
import { Worker } from 'node:worker_threads';
import type { DataRecord } from '../connector/types.js';
import { RecordError } from '../errors.js';
import type { ReasonClass } from '../errors.js';
import type { Logger } from '../runtime/logger.js';
import type { JsonataProgram } from './library.js';
import { isPlainJson } from './plain-json.js';
import { shapeOutput, type LookupTable, type Transform, type TransformOutcome } from './transform.js';
import type { WorkerInit, WorkerReply, WorkerResult } from './transform-worker.js';

/** Records per chunk a thread is sent. */
const CHUNK = 32;
/** Chunks a thread holds at once (one being evaluated, one waiting, so it never idles between). */
const IN_FLIGHT = 2;
/** A page with fewer records to transform stays on the main thread. */
const MIN_RECORDS = 64;
/** Lookup entries above which the tables are not copied into threads (their memory would double). */
const MAX_LOOKUP_ENTRIES = 200_000;

const WORKER_URL = new URL('./transform-worker.js', import.meta.url);

interface Slot {
  worker: Worker;
  inFlight: number;
  waiting: Map<number, { resolve(r: WorkerResult[]): void; reject(e: Error): void }>;
  dead: boolean;
}

/** A page's transforms, started: the outcomes in record order once asked for. */
export interface TransformJob {
  result(): Promise<TransformOutcome[]>;
}

export interface Transformer {
  /**
   * Starts a page's transforms. Threads begin at once; the main thread joins in only when the
   * result is asked for, so it can finish the previous page meanwhile.
   */
  start(records: readonly DataRecord[]): TransformJob;
}

/** Records still to evaluate, from one job, in record order. */
interface Chunk {
  job: Job;
  idx: number[];
}

interface Job {
  records: readonly DataRecord[];
  outcomes: (TransformOutcome | undefined)[];
  /** Chunks sent to a thread and not answered. */
  sent: Promise<void>[];
  /** Records the main thread evaluates (not plain JSON, or a thread failed). */
  mine: number[];
}

function outcomeOf(r: WorkerResult): TransformOutcome | undefined {
  if ('again' in r) return undefined;
  if ('e' in r)
    return {
      ok: false,
      error: new RecordError(r.e.code, r.e.message, { reasonClass: r.e.reasonClass as ReasonClass }),
    };
  try {
    return { ok: true, outputs: shapeOutput(r.v) };
  } catch (error) {
    return { ok: false, error };
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class TransformPool implements Transformer {
  private slots: Slot[] | undefined;
  private broken = false;
  /** Chunks not yet sent, oldest job first. */
  private readonly queue: Chunk[] = [];
  private nextId = 1;

  private constructor(
    private readonly local: Transform,
    private readonly init: WorkerInit,
    private readonly threads: number,
    private readonly logger?: Logger,
  ) {}

  /**
   * The pool for `threads` threads, or the transform itself when threads cannot help: none asked
   * for, tables that cannot be copied or are too large, or code not built to JavaScript (tests on
   * the TypeScript sources).
   */
  static create(
    local: Transform,
    program: JsonataProgram,
    tables: ReadonlyMap<string, LookupTable>,
    threads: number,
    logger?: Logger,
  ): Transformer {
    if (threads < 1 || !import.meta.url.endsWith('.js')) return local;
    const lookups: WorkerInit['lookups'] = [];
    let entries = 0;
    for (const [name, table] of tables) {
      if (!table.entries) return local;
      entries += table.size;
      if (entries > MAX_LOOKUP_ENTRIES) {
        logger?.debug({ entries }, 'lookups too large to copy into transform threads; transforming on one thread');
        return local;
      }
      lookups.push([name, [...table.entries()]]);
    }
    return new TransformPool(local, { program, lookups }, threads, logger);
  }

  start(records: readonly DataRecord[]): TransformJob {
    if (this.broken || records.length < MIN_RECORDS) return { result: () => this.local.applyMany(records) };
    const slots = this.begin();
    const job: Job = { records, outcomes: new Array(records.length), sent: [], mine: [] };
    let chunk: number[] = [];
    for (let i = 0; i < records.length; i++) {
      if (!isPlainJson(records[i])) {
        job.mine.push(i);
        continue;
      }
      chunk.push(i);
      if (chunk.length === CHUNK) {
        this.queue.push({ job, idx: chunk });
        chunk = [];
      }
    }
    if (chunk.length > 0) this.queue.push({ job, idx: chunk });
    for (const slot of slots) this.feed(slot);
    return { result: () => this.finish(job) };
  }

  /** Sends the oldest queued chunks to the thread while it has room (jobs are answered in order). */
  private feed(slot: Slot): void {
    while (!slot.dead && slot.inFlight < IN_FLIGHT && this.queue.length > 0) {
      const c = this.queue.shift()!;
      slot.inFlight++;
      c.job.sent.push(
        this.send(
          slot,
          c.idx.map((i) => c.job.records[i]!),
        ).then(
          (results) => {
            slot.inFlight--;
            c.idx.forEach((i, n) => (c.job.outcomes[i] = outcomeOf(results[n] ?? { again: true })));
            this.feed(slot);
          },
          () => {
            slot.inFlight--;
            c.job.mine.push(...c.idx); // the thread failed: these are evaluated here
          },
        ),
      );
    }
  }

  /** The main thread takes the job's queued chunks from the back, letting the threads' answers in between. */
  private async finish(job: Job): Promise<TransformOutcome[]> {
    for (;;) {
      let at = -1;
      for (let q = this.queue.length - 1; q >= 0; q--)
        if (this.queue[q]!.job === job) {
          at = q;
          break;
        }
      if (at < 0) break;
      const [c] = this.queue.splice(at, 1);
      const local = await this.local.applyMany(c!.idx.map((i) => job.records[i]!));
      c!.idx.forEach((i, n) => (job.outcomes[i] = local[n]));
      await nextTurn();
    }
    // Every chunk is sent or done: wait for the threads (an answered chunk may have sent more).
    for (let done = 0; done < job.sent.length; done++) await job.sent[done];
    for (let i = 0; i < job.records.length; i++) if (job.outcomes[i] === undefined) job.mine.push(i);
    if (job.mine.length > 0) {
      const unique = [...new Set(job.mine)];
      const local = await this.local.applyMany(unique.map((i) => job.records[i]!));
      unique.forEach((i, n) => (job.outcomes[i] = local[n]));
    }
    return job.outcomes as TransformOutcome[];
  }

  /** Stops the threads (idempotent); the pool goes on on the main thread if used again. */
  async close(): Promise<void> {
    const slots = this.slots ?? [];
    this.slots = [];
    this.broken = true;
    this.queue.length = 0;
    for (const s of slots) s.dead = true; // their exit is expected, not a failure
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private begin(): Slot[] {
    if (this.slots) return this.slots;
    this.slots = [];
    for (let i = 0; i < this.threads; i++) {
      const worker = new Worker(WORKER_URL, { workerData: this.init });
      worker.unref();
      const slot: Slot = { worker, inFlight: 0, waiting: new Map(), dead: false };
      const fail = (err: Error): void => {
        if (slot.dead) return;
        slot.dead = true;
        this.broken = true; // the rest of the run transforms on the main thread
        this.logger?.warn({ err: err.message }, 'a transform thread failed; transforming on the main thread');
        for (const w of slot.waiting.values()) w.reject(err);
        slot.waiting.clear();
        void worker.terminate();
      };
      worker.on('message', (msg: WorkerReply) => {
        const w = slot.waiting.get(msg.id);
        if (!w) return;
        slot.waiting.delete(msg.id);
        if (slot.waiting.size === 0) worker.unref();
        if (!('broken' in msg)) return w.resolve(msg.results);
        const err = new Error(`the transform thread could not start: ${msg.broken}`);
        w.reject(err);
        fail(err);
      });
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`the transform thread exited (${code})`)));
      this.slots.push(slot);
    }
    this.logger?.debug({ threads: this.threads }, 'transform threads started');
    return this.slots;
  }

  private send(slot: Slot, records: DataRecord[]): Promise<WorkerResult[]> {
    const id = this.nextId++;
    return new Promise<WorkerResult[]>((resolve, reject) => {
      slot.waiting.set(id, { resolve, reject });
      slot.worker.ref(); // awaited work keeps the process alive
      try {
        slot.worker.postMessage({ id, records });
      } catch (err) {
        slot.waiting.delete(id);
        reject(err as Error);
      }
    });
  }
}
