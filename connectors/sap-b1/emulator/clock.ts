/** The emulator's clock: real time plus an offset tests can advance (to expire sessions without waiting). */
export class EmulatorClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
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
