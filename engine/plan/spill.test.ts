import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.js';
import { Spill, type SpillItem } from './spill.js';
import { summariseItems } from './summarise.js';

const op = (i: number): SpillItem => ({
  t: 'op',
  op: {
    op: 'create',
    key: `k${i}`,
    sourceKey: `s${i}`,
    targetHash: 'absent',
    record: { i },
    payloadHash: 'h',
    source: { i },
  },
});

describe('Spill', () => {
  it('keeps items in order across memory and disk, and can be read twice', async () => {
    const path = join(tempDir(), 'x', 'plan.jsonl');
    const spill = new Spill(path, 0); // budget 0: everything after the first check goes to disk
    for (let i = 0; i < 3000; i++) await spill.add(op(i));
    const keys: string[] = [];
    for await (const it of spill.items()) if (it.t === 'op') keys.push(it.op.key);
    expect(keys).toHaveLength(3000);
    expect(keys[0]).toBe('k0');
    expect(keys[2999]).toBe('k2999');
    expect(existsSync(path)).toBe(true);
    let again = 0;
    for await (const _ of spill.items()) again++;
    expect(again).toBe(3000);
    spill.remove();
    expect(existsSync(path)).toBe(false);
  });

  it('an operation read back from disk carries its source record, parsed only when asked for', async () => {
    const path = join(tempDir(), 'plan.jsonl');
    const spill = new Spill(path, 0);
    const source = { id: 'R1', text: 'tab\there, "quoted", line\nbreak', lines: [{ amount: 1.5 }] };
    for (let i = 0; i < 1100; i++) {
      const item = op(i);
      if (item.t === 'op' && 'source' in item.op) item.op.source = { ...source, i };
      await spill.add(item, i % 2 === 0 ? JSON.stringify({ i }) : undefined);
    }
    const read: SpillItem[] = [];
    for await (const it of spill.items()) read.push(it);
    const last = read[1099]!;
    if (last.t !== 'op' || !('source' in last.op)) throw new Error('expected a create');
    expect(typeof Object.getOwnPropertyDescriptor(last.op, 'source')?.get).toBe('function'); // not parsed yet
    expect(last.op.source).toEqual({ ...source, i: 1099 });
    expect(Object.getOwnPropertyDescriptor(last.op, 'source')?.value).toEqual({ ...source, i: 1099 });
    const even = read[1098]!;
    expect(JSON.parse(JSON.stringify(even))).toEqual({
      ...op(1098),
      op: { ...(op(1098) as any).op, source: { ...source, i: 1098 } },
    });
    spill.remove();
  });

  it('never touches the disk for a small plan', async () => {
    const path = join(tempDir(), 'plan.jsonl');
    const spill = new Spill(path);
    await spill.add(op(1));
    const all = [];
    for await (const it of spill.items()) all.push(it);
    expect(all).toEqual([op(1)]);
    expect(existsSync(path)).toBe(false);
  });

  it('keeps the plan totals as items are added: the same as a pass over the items', async () => {
    const spill = new Spill(join(tempDir(), 'plan.jsonl'), 0);
    for (let i = 0; i < 2500; i++) {
      await spill.add(op(i));
      if (i % 7 === 0)
        await spill.add({ t: 'att', att: { sourceKey: `s${i}`, stage: 'check', code: 'CHECK_FAILED', message: 'no' } });
      if (i % 11 === 0)
        await spill.add({
          t: 'op',
          op: {
            op: 'noop',
            key: `n${i}`,
            sourceKey: `s${i}`,
            targetHash: `t${i}`,
            payloadHash: 'p',
            targetId: `n${i}`,
          },
        });
    }
    const totals = await spill.totals();
    expect(totals).toEqual(await summariseItems(spill.items()));
    expect(totals.counts).toMatchObject({ create: 2500, noop: 228, attention: 358 });
    expect(await spill.totals()).toEqual(totals); // asked again: the same answer
    await expect(spill.add(op(1))).rejects.toThrow(/closed/);
  });

  it('reads back lines longer than a read chunk, and records holding newlines in strings', async () => {
    const spill = new Spill(join(tempDir(), 'plan.jsonl'), 0);
    const big = 'x'.repeat(3 * 1024 * 1024);
    const items: SpillItem[] = [];
    for (let i = 0; i < 1100; i++) {
      const item = op(i);
      if (item.t === 'op' && item.op.op === 'create') item.op.record = { i, text: i === 1050 ? big : `a\nb${i}` };
      items.push(item);
      await spill.add(item);
    }
    const back: SpillItem[] = [];
    for await (const it of spill.items()) back.push(it);
    expect(back).toEqual(items);
  });
});
