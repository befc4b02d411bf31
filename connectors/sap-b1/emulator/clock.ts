/**
 * The emulator's clock: an injected `SteerableClock` (default: real time plus an offset tests
 * advance, to expire sessions without waiting; or a ManualClock shared with the connector under
 * test), with the date and time-of-day forms business rules stamp on entities.
 */
import type { Clock } from '../../../engine/runtime/clock.js';
import { OffsetClock, type SteerableClock } from '../../../engine/emulator-kit/clock.js';

export class EmulatorClock implements SteerableClock {
  constructor(private readonly base: SteerableClock = new OffsetClock()) {}

  now(): number {
    return this.base.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(ms, signal);
  }

  advance(ms: number): void {
    this.base.advance(ms);
  }

  /** Today as `YYYY-MM-DD` (UTC). */
  today(): string {
    return new Date(this.now()).toISOString().slice(0, 10);
  }

  /** Time of day as `HH:MM:SS` (UTC). */
  timeOfDay(): string {
    return new Date(this.now()).toISOString().slice(11, 19);
  }
}

export type { Clock, SteerableClock };
