/** Requests answered per route template (`GET /v1/payments`), as `GET /_emulator/counters` shows them. */
export class Counters {
  total = 0;
  tokens = 0;
  requests: Record<string, number> = {};

  count(label: string): void {
    this.total += 1;
    this.requests[label] = (this.requests[label] ?? 0) + 1;
  }

  reset(): void {
    this.total = 0;
    this.tokens = 0;
    this.requests = {};
  }

  snapshot(): { total: number; tokens: number; requests: Record<string, number> } {
    return { total: this.total, tokens: this.tokens, requests: { ...this.requests } };
  }
}
