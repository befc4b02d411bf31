/**
 * The plan's operations and attention entries, in order. They stay in memory while the heap is
 * small and go to a JSONL file beyond that, so a run over millions of records keeps memory flat and
 * apply streams them back (small plans never touch the disk).
 */
import { createReadStream, createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { PlanHasher, type ItemTotals } from './summarise.js';
import type { DataRecord } from '../connector/types.js';
import type { PlanItem, PlanOp } from './types.js';

export type SpillItem = PlanItem;

/** Heap size above which new items go to disk instead of memory. */
const DEFAULT_HEAP_BUDGET = 24 * 1024 * 1024;
const CHECK_EVERY = 1024;

export class Spill {
  private memory: SpillItem[] = [];
  private onDisk = false;
  private stream: WriteStream | undefined;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private closed = false;
  /** The plan's counts and hashes, kept as items are added (no second pass over a spilled plan). */
  private readonly hasher = new PlanHasher();
  private summary: ItemTotals | undefined;
  count = 0;

  constructor(
    readonly path: string,
    private readonly heapBudget = DEFAULT_HEAP_BUDGET,
  ) {}

  /**
   * Appends one item; resolves when it is buffered (back-pressure aware). `recordJson`, when given,
   * is the op's record already serialised: it is spliced into the line instead of serialised again.
   */
  async add(item: SpillItem, recordJson?: string): Promise<void> {
    if (this.closed) throw new Error(`spill ${this.path} is closed: a finished plan is not added to`);
    this.count++;
    this.hasher.add(item);
    if (!this.onDisk) {
      this.memory.push(item);
      if (this.count % CHECK_EVERY === 0 && process.memoryUsage().heapUsed > this.heapBudget) this.onDisk = true;
      return;
    }
    if (!this.stream) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.stream = createWriteStream(this.path, { encoding: 'utf8' });
    }
    const line = spillLine(item, recordJson);
    this.buffer.push(line);
    this.bufferedBytes += line.length;
    if (this.bufferedBytes >= 256 * 1024) await this.flush();
  }

  /** Counts and hashes of every item added, in order (as `summariseItems` over `items()` computes them); closes the spill. */
  async totals(): Promise<ItemTotals> {
    await this.close();
    this.summary ??= this.hasher.totals();
    return this.summary;
  }

  private async flush(): Promise<void> {
    if (!this.stream || this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.bufferedBytes = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    const s = this.stream;
    if (s) await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  /**
   * Every item in order: those kept in memory, then those on disk. Can be iterated more than once,
   * unless `release` is set (the last pass: memory is freed as items are handed out).
   */
  async *items(options: { release?: boolean } = {}): AsyncIterable<SpillItem> {
    await this.close();
    if (options.release) {
      const memory = this.memory;
      this.memory = [];
      for (let i = 0; i < memory.length; i++) {
        const item = memory[i]!;
        memory[i] = undefined as unknown as SpillItem;
        yield item;
      }
    } else yield* this.memory;
    if (!this.stream) return;
    // Lines split by hand: readline's per-line events and queue cost more than the parse.
    let rest = '';
    for await (const chunk of createReadStream(this.path, { encoding: 'utf8', highWaterMark: 1024 * 1024 })) {
      const text = rest === '' ? (chunk as string) : rest + (chunk as string);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        if (nl > start) yield parseLine(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    if (rest !== '') yield parseLine(rest);
  }

  remove(): void {
    this.memory = [];
    this.stream?.destroy();
    this.stream = undefined;
    rmSync(this.path, { force: true });
  }
}

/**
 * One item as a line: JSON, with an operation's source record after a tab (JSON text never holds
 * a raw tab) so that reading it back parses that record only if something asks for it — a write
 * that fails and parks the record, or a saved plan. `recordJson` is spliced in unparsed.
 */
function spillLine(item: SpillItem, recordJson: string | undefined): string {
  if (item.t !== 'op') return JSON.stringify(item) + '\n';
  const op = item.op as PlanOp & { source?: DataRecord; record?: DataRecord };
  const { source, ...withoutSource } = op;
  const tail = source === undefined ? '' : `\t${JSON.stringify(source)}`;
  if (recordJson !== undefined && 'record' in withoutSource) {
    const { record: _record, ...rest } = withoutSource;
    return `{"t":"op","op":${JSON.stringify(rest).slice(0, -1)},"record":${recordJson}}}${tail}\n`;
  }
  return JSON.stringify({ t: 'op', op: source === undefined ? op : withoutSource }) + tail + '\n';
}

function parseLine(line: string): SpillItem {
  const tab = line.indexOf('\t');
  if (tab === -1) return JSON.parse(line) as SpillItem;
  const item = JSON.parse(line.slice(0, tab)) as SpillItem & { t: 'op' };
  lazySource(item.op, line.slice(tab + 1));
  return item;
}

/** `op.source`, parsed from its JSON when first read (enumerable, so a saved plan still carries it). */
function lazySource(op: object, json: string): void {
  Object.defineProperty(op, 'source', {
    enumerable: true,
    configurable: true,
    get(): unknown {
      const value = JSON.parse(json) as unknown;
      Object.defineProperty(op, 'source', { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
    set(value: unknown) {
      Object.defineProperty(op, 'source', { value, enumerable: true, configurable: true, writable: true });
    },
  });
}
