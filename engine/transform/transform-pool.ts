/**
 * The transform evaluated on worker threads beside the main thread. JSONata is most of a first run's
 * CPU; a page's records are cut into chunks, and the outcomes come back in record order — exactly
 * what Transform.applyMany returns (the same program, the same lookups, copied into each thread).
 *
 * Threads are sent chunks, oldest page first, as soon as a page is started, several at a time so they
 * do not wait for the main thread to hand them more while it is busy. Whoever evaluates a chunk
 * claims it first in a shared array (claims.ts): the threads go from the front, the main thread —
 * which joins in only when the page's outcomes are asked for, finishing the previous page meanwhile —
 * from the back, taking chunks sent but not started too. A thread skips a chunk the main thread
 * took; the main thread never waits for a chunk no thread has started.
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
import { CLAIM_FREE, CLAIM_MAIN, claim } from './claims.js';
import type { WorkerInit, WorkerReply, WorkerRequest, WorkerResult } from './transform-worker.js';

/** Records per chunk a thread is sent. */
const CHUNK = 32;
/**
 * Chunks a thread holds at once: enough that it never waits for the main thread to hand it more
 * while the main thread is busy for a while, few enough that it does not hold (and its collector
 * does not keep copying) whole pages of records it has not started.
 */
const IN_FLIGHT = 6;
/** A page with fewer records to transform stays on the main thread. */
const MIN_RECORDS = 64;
/** Lookup entries above which the tables are not copied into threads (their memory would double). */
const MAX_LOOKUP_ENTRIES = 200_000;

const WORKER_URL = new URL('./transform-worker.js', import.meta.url);

interface Slot {
  worker: Worker;
  /** Chunks sent and not answered. */
  inFlight: number;
  waiting: Map<number, { resolve(r: WorkerResult[] | undefined): void; reject(e: Error): void }>;
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

interface Job {
  records: readonly DataRecord[];
  outcomes: (TransformOutcome | undefined)[];
  /** Record indexes of each chunk, in record order. */
  chunks: number[][];
  /** Per chunk: free, or claimed by a thread or the main thread (shared with the threads). */
  claims: Int32Array;
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
  private readonly queue: { job: Job; c: number }[] = [];
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
    const job: Job = {
      records,
      outcomes: new Array(records.length),
      chunks: [],
      claims: new Int32Array(0),
      sent: [],
      mine: [],
    };
    let chunk: number[] = [];
    for (let i = 0; i < records.length; i++) {
      if (!isPlainJson(records[i])) {
        job.mine.push(i);
        continue;
      }
      chunk.push(i);
      if (chunk.length === CHUNK) {
        job.chunks.push(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) job.chunks.push(chunk);
    job.claims = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, job.chunks.length)));
    for (let c = 0; c < job.chunks.length; c++) this.queue.push({ job, c });
    for (const slot of slots) this.feed(slot);
    return { result: () => this.finish(job) };
  }

  /**
   * Sends the oldest queued chunks to the thread while it holds fewer than IN_FLIGHT, skipping those
   * the main thread took meanwhile (jobs are answered in order).
   */
  private feed(slot: Slot): void {
    while (!slot.dead && slot.inFlight < IN_FLIGHT && this.queue.length > 0) {
      const { job, c } = this.queue.shift()!;
      if (Atomics.load(job.claims, c) !== CLAIM_FREE) continue;
      const idx = job.chunks[c]!;
      slot.inFlight++;
      job.sent.push(
        this.send(
          slot,
          job.claims,
          c,
          idx.map((i) => job.records[i]!),
        ).then(
          (results) => {
            slot.inFlight--;
            // undefined: the main thread claimed the chunk first
            if (results) idx.forEach((i, n) => (job.outcomes[i] = outcomeOf(results[n] ?? { again: true })));
            this.feed(slot);
          },
          () => {
            slot.inFlight--; // the thread failed: its chunks are evaluated here (see finish)
          },
        ),
      );
    }
  }

  /** The main thread claims the chunks no thread has started, from the back, letting the threads' answers in between. */
  private async finish(job: Job): Promise<TransformOutcome[]> {
    for (let c = job.chunks.length - 1; c >= 0; c--) {
      if (!claim(job.claims, c, CLAIM_MAIN)) continue;
      const idx = job.chunks[c]!;
      const local = await this.local.applyMany(idx.map((i) => job.records[i]!));
      idx.forEach((i, n) => (job.outcomes[i] = local[n]));
      await nextTurn();
    }
    // Every chunk is claimed: wait for the threads' answers.
    await Promise.all(job.sent);
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
        if ('skipped' in msg) return w.resolve(undefined);
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

  private send(
    slot: Slot,
    claims: Int32Array,
    chunk: number,
    records: DataRecord[],
  ): Promise<WorkerResult[] | undefined> {
    const id = this.nextId++;
    return new Promise<WorkerResult[] | undefined>((resolve, reject) => {
      if (slot.dead) return reject(new Error('the transform thread stopped'));
      slot.waiting.set(id, { resolve, reject });
      slot.worker.ref(); // awaited work keeps the process alive
      try {
        slot.worker.postMessage({ id, claims, chunk, records } satisfies WorkerRequest);
      } catch (err) {
        slot.waiting.delete(id);
        reject(err as Error);
      }
    });
  }
}
