import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.js';
import { Spill, type SpillItem } from './spill.js';

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

  it('never touches the disk for a small plan', async () => {
    const path = join(tempDir(), 'plan.jsonl');
    const spill = new Spill(path);
    await spill.add(op(1));
    const all = [];
    for await (const it of spill.items()) all.push(it);
    expect(all).toEqual([op(1)]);
    expect(existsSync(path)).toBe(false);
  });
});
