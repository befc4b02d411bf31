import { describe, expect, it } from 'vitest';
import { runEmulator } from './run.js';

class Fake {
  armed: string[] = [];
  closed = 0;
  faults = {
    add: (spec: string): void => {
      if (spec === 'bad') throw new Error('unknown fault kind bad');
      this.armed.push(spec);
    },
  };
  close(): Promise<void> {
    this.closed += 1;
    return Promise.resolve();
  }
}

describe('runEmulator', () => {
  it('starts, arms the faults, prints the banner and, detached, returns it running', async () => {
    const lines: string[] = [];
    const emu = await runEmulator(
      {
        start: () => Promise.resolve(new Fake()),
        faults: ['429 /a', 'hold /b'],
        banner: (e) => ['up', `${e.armed.length} faults`],
      },
      { detach: true, out: (l) => lines.push(l) },
    );
    expect(emu.armed).toEqual(['429 /a', 'hold /b']);
    expect(lines).toEqual(['up', '2 faults']);
    expect(emu.closed).toBe(0);
  });

  it('closes the emulator again when a fault cannot be armed, and prints nothing', async () => {
    const fake = new Fake();
    const lines: string[] = [];
    await expect(
      runEmulator(
        { start: () => Promise.resolve(fake), faults: ['bad'], banner: () => ['up'] },
        { detach: true, out: (l) => lines.push(l) },
      ),
    ).rejects.toThrow(/unknown fault kind bad/);
    expect(fake.closed).toBe(1);
    expect(lines).toEqual([]);
  });
});
