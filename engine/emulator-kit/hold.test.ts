import { describe, expect, it } from 'vitest';
import { HoldGate } from './hold.js';

describe('hold gate', () => {
  it('holds requests until released, and lets later ones pass at once', async () => {
    const gate = new HoldGate();
    const first = gate.wait();
    const second = gate.wait();
    expect(gate.held).toBe(2);
    gate.release();
    await expect(Promise.all([first, second])).resolves.toEqual(['release', 'release']);
    expect(gate.held).toBe(0);
    await expect(gate.wait()).resolves.toBe('release');
  });

  it('a drop decided first sticks; a later release does not undo it', async () => {
    const gate = new HoldGate();
    gate.drop();
    gate.release();
    expect(gate.decided).toBe('drop');
    await expect(gate.wait()).resolves.toBe('drop');
  });
});
