import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CLAIM_MAIN, CLAIM_THREAD, claim } from './claims.js';

describe('chunk claims', () => {
  it('a chunk goes to whoever claims it first, never to both', () => {
    const claims = new Int32Array(new SharedArrayBuffer(4 * 3));
    expect(claim(claims, 2, CLAIM_MAIN)).toBe(true);
    expect(claim(claims, 2, CLAIM_THREAD)).toBe(false);
    expect(claim(claims, 0, CLAIM_THREAD)).toBe(true);
    expect(claim(claims, 0, CLAIM_MAIN)).toBe(false);
    expect(claim(claims, 0, CLAIM_THREAD)).toBe(false); // not twice by the same side either
    expect([...claims]).toEqual([CLAIM_THREAD, 0, CLAIM_MAIN]);
  });

  it('a thread and the main thread racing over the same chunks split them without overlap', async () => {
    const n = 20_000;
    const claims = new Int32Array(new SharedArrayBuffer(4 * n));
    // The thread claims from the front, the main thread from the back, as the pool does.
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const c = workerData; let won = 0;
       for (let i = 0; i < c.length; i++) if (Atomics.compareExchange(c, i, 0, ${CLAIM_THREAD}) === 0) won++;
       parentPort.postMessage(won);`,
      { eval: true, workerData: claims },
    );
    const threadWon = new Promise<number>((resolve) => worker.once('message', resolve));
    let mainWon = 0;
    for (let i = n - 1; i >= 0; i--) if (claim(claims, i, CLAIM_MAIN)) mainWon++;
    const won = await threadWon;
    await worker.terminate();
    expect(won + mainWon).toBe(n);
    expect(claims.every((c) => c === CLAIM_THREAD || c === CLAIM_MAIN)).toBe(true);
    expect(claims.filter((c) => c === CLAIM_MAIN).length).toBe(mainWon);
  });
});
