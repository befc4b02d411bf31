/** The kit's request counters (engine/emulator-kit/counters.ts) plus the access tokens issued. */
import { RequestCounters, type CountersSnapshot } from '../../../engine/emulator-kit/counters.js';

export class Counters extends RequestCounters {
  tokens = 0;

  override reset(): void {
    super.reset();
    this.tokens = 0;
  }

  /** Requests per route template (`GET /v1/payments`), as `GET /_emulator/counters` shows them. */
  override snapshot(): CountersSnapshot & { tokens: number } {
    return { ...super.snapshot(), tokens: this.tokens };
  }
}
