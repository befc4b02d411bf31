/**
 * Runs pipelines on their cron in their time zone: one loop per pipeline that sleeps (on the
 * injected clock) until the next tick, claims the tick in the state store (so of several schedulers
 * exactly one runs it), runs it and only then looks for the next tick: a pipeline never overlaps
 * itself, and ticks that pass while a run is still going are skipped, not queued.
 */
import { nextRuns } from '../config/schedule.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';

export interface ScheduledPipeline {
  path: string;
  name: string;
  cron: string;
  timezone: string;
  /** sha256 of the pipeline file: a changed file is picked up by the next tick (its loop restarts). */
  hash: string;
}

export interface SchedulerOptions {
  clock: Clock;
  logger: Logger;
  /** True when this scheduler is the one to run `tick` of the pipeline. */
  claim(name: string, tick: string): Promise<boolean>;
  /** Runs the pipeline; `signal` aborts when the scheduler shuts down (the run stops at a batch boundary). */
  run(p: ScheduledPipeline, tick: string, signal: AbortSignal): Promise<void>;
}

interface Loop {
  p: ScheduledPipeline;
  /** Aborted when the loop must stop looking for ticks (file changed or removed, shutdown). */
  stop: AbortController;
  done: Promise<void>;
  next: Date | undefined;
  running: boolean;
}

export class Scheduler {
  private readonly loops = new Map<string, Loop>();
  private readonly shutdown = new AbortController();

  constructor(private readonly o: SchedulerOptions) {}

  /** Makes the set of scheduled pipelines `list` (by path): new ones start, changed ones restart after their current run. */
  update(list: readonly ScheduledPipeline[]): void {
    if (this.shutdown.signal.aborted) return;
    const wanted = new Map(list.map((p) => [p.path, p]));
    for (const [path, loop] of this.loops) {
      const p = wanted.get(path);
      if (p && same(p, loop.p)) continue;
      loop.stop.abort();
      if (!p) {
        this.o.logger.info({ pipeline: loop.p.name, path }, 'pipeline no longer scheduled');
        this.loops.delete(path);
      }
    }
    for (const p of list) {
      const old = this.loops.get(p.path);
      if (old && !old.stop.signal.aborted) continue;
      this.start(p, old?.done);
    }
  }

  /** What each pipeline does next: its next tick, and whether it is running now. */
  status(): { name: string; path: string; cron: string; timezone: string; next: string | null; running: boolean }[] {
    return [...this.loops.values()].map((l) => ({
      name: l.p.name,
      path: l.p.path,
      cron: l.p.cron,
      timezone: l.p.timezone,
      next: l.next?.toISOString() ?? null,
      running: l.running,
    }));
  }

  /** Stops every loop; running runs get the abort (they stop at a batch boundary) and are awaited. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    for (const l of this.loops.values()) l.stop.abort();
    await Promise.all([...this.loops.values()].map((l) => l.done));
  }

  private start(p: ScheduledPipeline, after: Promise<void> | undefined): void {
    const loop: Loop = { p, stop: new AbortController(), done: Promise.resolve(), next: undefined, running: false };
    this.loops.set(p.path, loop);
    // Waits for the previous loop of the same file (its run) first: never two runs of one pipeline.
    loop.done = (after ?? Promise.resolve()).then(() => this.loop(loop));
  }

  private async loop(loop: Loop): Promise<void> {
    const { clock, logger } = this.o;
    const { p } = loop;
    const log = logger.child({ pipeline: p.name });
    let from = clock.now();
    while (!loop.stop.signal.aborted) {
      const next = nextRuns({ cron: p.cron, timezone: p.timezone }, 1, new Date(from))[0];
      loop.next = next;
      if (!next) return;
      try {
        await clock.sleep(next.getTime() - clock.now(), loop.stop.signal);
      } catch {
        return; // stopped while waiting
      }
      const tick = next.toISOString();
      try {
        if (await this.o.claim(p.name, tick)) {
          loop.running = true;
          log.info({ tick }, 'scheduled run starting');
          await this.o.run(p, tick, this.shutdown.signal);
        } else {
          log.info({ tick }, 'tick taken by another scheduler; skipped');
        }
      } catch (err) {
        log.error({ tick, err: (err as Error).message }, 'scheduled run could not be started');
      } finally {
        loop.running = false;
      }
      const now = clock.now();
      const missed = nextRuns({ cron: p.cron, timezone: p.timezone }, 1, next)[0];
      if (missed && missed.getTime() <= now) log.warn({ tick }, 'the run outlasted the next tick(s); they are skipped');
      from = Math.max(now, next.getTime());
    }
  }
}

function same(a: ScheduledPipeline, b: ScheduledPipeline): boolean {
  return a.name === b.name && a.cron === b.cron && a.timezone === b.timezone && a.hash === b.hash;
}
