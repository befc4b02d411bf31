/**
 * Writes a sealed plan file: header, operations (every one but plain noops) and attention entries,
 * one per line, then the seal. Nothing is held in memory but a line: attention entries wait in a
 * side file until the operations are written. Written to a temporary file beside the target and
 * renamed into place, so a failure never leaves a half-written plan.
 */
import { createReadStream, createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { appliesSomething } from '../../plan/summarise.js';
import type { PlanItem } from '../../plan/types.js';
import { headerOf, type PlanHeader } from './document.js';
import { PlanSealer } from './seal.js';

async function put(out: WriteStream, s: string): Promise<void> {
  if (!out.write(s)) await once(out, 'drain');
}

function end(out: WriteStream): Promise<void> {
  return new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export async function writePlanFile(
  path: string,
  header: PlanHeader,
  items: AsyncIterable<PlanItem>,
  key: Buffer,
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const side = `${tmp}.attention`;
  const out = createWriteStream(tmp, { encoding: 'utf8', mode: 0o600 });
  const att = createWriteStream(side, { encoding: 'utf8', mode: 0o600 });
  try {
    const sealer = new PlanSealer(key);
    const head = headerOf(header);
    sealer.header(head);
    await put(out, JSON.stringify(head, null, 2).slice(0, -2) + ',\n  "operations": [');
    let first = true;
    for await (const item of items) {
      if (item.t === 'att') {
        await put(att, `${JSON.stringify(item.att)}\n`);
        continue;
      }
      if (!appliesSomething(item.op)) continue;
      sealer.op(item.op);
      await put(out, `${first ? '' : ','}\n    ${JSON.stringify(item.op)}`);
      first = false;
    }
    await end(att);
    await put(out, `\n  ],\n  "attention": [`);
    first = true;
    const lines = createInterface({ input: createReadStream(side, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === '') continue;
      sealer.attention(JSON.parse(line) as unknown);
      await put(out, `${first ? '' : ','}\n    ${line}`);
      first = false;
    }
    await put(out, `\n  ],\n  "seal": ${JSON.stringify(sealer.seal())}\n}\n`);
    await end(out);
    renameSync(tmp, path);
  } catch (err) {
    out.destroy();
    att.destroy();
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    rmSync(side, { force: true });
  }
}
