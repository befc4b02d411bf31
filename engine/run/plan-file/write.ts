/**
 * Writes a sealed plan file: header, operations (every one but plain noops) and attention entries,
 * one per line, then the seal. Written to a temporary file beside the target and renamed into
 * place, so a failure never leaves a half-written plan.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { appliesSomething } from '../../plan/summarise.js';
import type { PlanAttention, PlanItem } from '../../plan/types.js';
import { headerOf, type PlanHeader } from './document.js';
import { PlanSealer } from './seal.js';

export async function writePlanFile(
  path: string,
  header: PlanHeader,
  items: AsyncIterable<PlanItem>,
  key: Buffer,
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const out = createWriteStream(tmp, { encoding: 'utf8', mode: 0o600 });
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  try {
    const sealer = new PlanSealer(key);
    const head = headerOf(header);
    sealer.header(head);
    const text = JSON.stringify(head, null, 2);
    await write(text.slice(0, -2) + ',\n  "operations": [');
    const attention: PlanAttention[] = [];
    let first = true;
    for await (const item of items) {
      if (item.t === 'att') {
        attention.push(item.att);
        continue;
      }
      if (!appliesSomething(item.op)) continue;
      sealer.op(item.op);
      await write(`${first ? '' : ','}\n    ${JSON.stringify(item.op)}`);
      first = false;
    }
    await write(`\n  ],\n  "attention": [`);
    attention.forEach((a, i) => {
      sealer.attention(a);
      out.write(`${i === 0 ? '' : ','}\n    ${JSON.stringify(a)}`);
    });
    await write(`\n  ],\n  "seal": ${JSON.stringify(sealer.seal())}\n}\n`);
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    renameSync(tmp, path);
  } catch (err) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw err;
  }
}
