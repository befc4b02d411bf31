/**
 * Emulator time. An emulator runs on a `SteerableClock`: by default real time plus an offset tests
 * move forward (`advance` jumps "now"; sleeps already started keep their real length), or a
 * `ManualClock` (engine/runtime/clock.ts) shared with the code under test, where nothing happens
 * until the test advances it. Handing the same clock to the connector (`ConnectorContext.clock`)
 * makes both sides see the same jump: a session idle timeout or a token lifetime passes for both.
 */
import { systemClock, type Clock } from '../runtime/clock.js';

export interface SteerableClock extends Clock {
  advance(ms: number): void;
}

/** Real time (or another clock's) plus an offset that only grows. */
export class OffsetClock implements SteerableClock {
  private offsetMs = 0;

  constructor(private readonly base: Clock = systemClock) {}

  now(): number {
    return this.base.now() + this.offsetMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(ms, signal);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
