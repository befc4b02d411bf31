/**
 * The plan's operations and attention entries, spilled to a JSONL file as the planner produces them,
 * so a run over millions of records keeps memory flat and apply can stream them back.
 */
import { createReadStream, createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { PlanAttention, PlanOp } from './types.js';

export type SpillItem = { t: 'op'; op: PlanOp } | { t: 'att'; att: PlanAttention };

export class Spill {
  private stream: WriteStream | undefined;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private closed = false;
  count = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  /** Appends one item; resolves when the data is buffered (back-pressure aware). */
  async add(item: SpillItem): Promise<void> {
    const line = JSON.stringify(item) + '\n';
    this.buffer.push(line);
    this.bufferedBytes += line.length;
    this.count++;
    if (this.bufferedBytes >= 256 * 1024) await this.flush();
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
    this.stream = undefined;
    if (s) await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  async *items(): AsyncIterable<SpillItem> {
    await this.close();
    const rl = createInterface({ input: createReadStream(this.path, { encoding: 'utf8', highWaterMark: 256 * 1024 }), crlfDelay: Infinity });
    for await (const line of rl) if (line) yield JSON.parse(line) as SpillItem;
  }

  remove(): void {
    this.stream?.destroy();
    this.stream = undefined;
    rmSync(this.path, { force: true });
  }
}
