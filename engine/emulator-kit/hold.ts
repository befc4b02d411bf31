/**
 * The gate of a `hold` fault: requests it matched wait at it until the test decides, once for all of
 * them, `release` (process, commit and answer) or `drop` (destroy the socket, process nothing). The
 * decision sticks, so releasing before the request arrived is no race: it then passes at once.
 */
export const HOLD_DECISIONS = ['release', 'drop'] as const;
export type HoldDecision = (typeof HOLD_DECISIONS)[number];

export class HoldGate {
  private decision: HoldDecision | undefined;
  private readonly waiting: ((d: HoldDecision) => void)[] = [];

  /** Requests waiting at the gate now. */
  get held(): number {
    return this.waiting.length;
  }

  get decided(): HoldDecision | undefined {
    return this.decision;
  }

  wait(): Promise<HoldDecision> {
    if (this.decision !== undefined) return Promise.resolve(this.decision);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    this.decide('release');
  }

  drop(): void {
    this.decide('drop');
  }

  private decide(d: HoldDecision): void {
    this.decision ??= d;
    for (const resolve of this.waiting.splice(0)) resolve(this.decision);
  }
}
