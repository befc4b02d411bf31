import { describe, expect, it } from 'vitest';
import { SluiceError } from '../errors.js';
import { ManualClock } from '../runtime/clock.js';
import { EventLog } from './events.js';

type Ev = { type: 'a'; n: number } | { type: 'b'; name: string };

function log(clock = new ManualClock()): EventLog<Ev> {
  return new EventLog<Ev>(clock);
}

describe('emulator event log', () => {
  it('stamps events with a sequence number and the clock time, and lists them by type and predicate', () => {
    const clock = new ManualClock(1_000);
    const events = log(clock);
    events.emit({ type: 'a', n: 1 });
    clock.advance(5);
    events.emit({ type: 'b', name: 'x' });
    events.emit({ type: 'a', n: 2 });
    expect(events.all('a')).toEqual([
      { type: 'a', n: 1, seq: 1, at: 1_000 },
      { type: 'a', n: 2, seq: 3, at: 1_005 },
    ]);
    expect(events.all('a', (e) => e.n > 1).map((e) => e.seq)).toEqual([3]);
    expect(events.all('b', undefined, { seq: 2 })).toEqual([]);
  });

  it('next waits for a future matching event and ignores the others and the past', async () => {
    const events = log();
    events.emit({ type: 'a', n: 1 });
    const waiting = events.next('a', (e) => e.n === 1);
    events.emit({ type: 'b', name: 'x' });
    events.emit({ type: 'a', n: 2 });
    expect(events.pending).toBe(1);
    events.emit({ type: 'a', n: 1 });
    await expect(waiting).resolves.toMatchObject({ type: 'a', n: 1, seq: 4 });
    expect(events.pending).toBe(0);
  });

  it('counts events since a mark, so an event that already happened is no race', async () => {
    const events = log();
    const mark = events.mark();
    events.emit({ type: 'a', n: 1 });
    events.emit({ type: 'a', n: 2 });
    await expect(events.next('a', undefined, { since: mark })).resolves.toMatchObject({ n: 1 });
    const third = events.next('a', undefined, { since: mark, count: 3 });
    events.emit({ type: 'b', name: 'x' });
    events.emit({ type: 'a', n: 3 });
    await expect(third).resolves.toMatchObject({ n: 3 });
  });

  it('resolves with the count-th matching event', async () => {
    const events = log();
    const second = events.next('b', (e) => e.name.startsWith('J'), { count: 2 });
    for (const name of ['Jan', 'Bob', 'Jo', 'Jim']) events.emit({ type: 'b', name });
    await expect(second).resolves.toMatchObject({ name: 'Jo' });
  });

  it('rejects pending and later waits when closed, saying what they waited for; an abort signal also ends a wait', async () => {
    const events = log();
    const pending = events.next('a', (e) => e.n === 9, { count: 2 });
    events.close('the test emulator was closed');
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SluiceError);
    expect(err).toMatchObject({ code: 'EMULATOR_CLOSED' });
    expect((err as Error).message).toBe(
      'still waiting for 2 a event(s) matching the predicate when the test emulator was closed',
    );
    await expect(events.next('b')).rejects.toMatchObject({ code: 'EMULATOR_CLOSED' });

    const open = log();
    const ac = new AbortController();
    const aborted = open.next('a', undefined, { signal: ac.signal });
    ac.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    expect(open.pending).toBe(0);
  });

  it('tells listeners about every event until they unsubscribe', () => {
    const events = log();
    const seen: string[] = [];
    const off = events.on((e) => seen.push(e.type));
    events.emit({ type: 'a', n: 1 });
    off();
    events.emit({ type: 'b', name: 'x' });
    expect(seen).toEqual(['a']);
  });

  it('keeps a bounded number of events', () => {
    const events = new EventLog<Ev>(new ManualClock(), 3);
    for (let n = 1; n <= 5; n++) events.emit({ type: 'a', n });
    expect(events.all('a').map((e) => e.n)).toEqual([3, 4, 5]);
  });
});
