/** What the phases of one session share: options, run id, pipeline, state store, connections, clock, signal. */
import type { LoadedPipeline } from '../config/pipeline.js';
import type { Logger } from '../runtime/logger.js';
import type { StateStore } from '../state/store.js';
import { compileKey, isFieldPath } from '../transform/key.js';
import type { OpenConnections } from './open.js';
import type { ApplyCounts } from '../apply/applier.js';
import type { Registry } from '../connector/registry.js';
import type { Clock } from '../runtime/clock.js';
import type { RetryPolicy } from '../runtime/retry.js';
import { TargetView } from '../plan/target-view.js';
import { RoutedTarget } from '../plan/routed-target.js';
import { routedKey, splitRoutedKey } from '../transform/routed-key.js';
import type { TargetResource } from '../connector/types.js';
import type { RunTrigger } from '../state/log.js';
import type { RunReport } from './report.js';

export const COMMANDS = ['plan', 'run', 'apply'] as const;
export type Command = (typeof COMMANDS)[number];

/** What a session works on: a pipeline file, an already loaded pipeline (`sluice test`), or a saved plan (apply). */
export type SessionSubject =
  | { kind: 'pipeline-file'; path: string }
  | { kind: 'pipeline'; pipeline: LoadedPipeline }
  | { kind: 'plan-file'; path: string };

export interface SessionOptions {
  command: Command;
  subject: SessionSubject;
  /** Where `plan` saves its sealed plan. */
  planOut?: string;
  connectionsPath?: string;
  registry: Registry;
  logger: Logger;
  /** An already open store (tests, `sluice test`); otherwise one is opened from stateUrl / env. */
  state?: StateStore;
  stateUrl?: string;
  allowEmptySource?: boolean;
  maxDeletePercent?: number;
  force?: boolean;
  /** Evaluate every source record, also those unchanged since they were synced (`--full`). */
  full?: boolean;
  /** Threads evaluating the transform beside the main thread (`--threads`; default SLUICE_THREADS, else auto: threads.ts). */
  threads?: number | 'auto';
  /**
   * A plan with changes exits 4 (default). False: it exits 0 like a plan without changes (the CLI's
   * default, `--detailed-exitcode` off); the run is recorded with the exit code the process returns.
   */
  detailedExitcode?: boolean;
  /** Re-process records marked for re-sync, re-sync requests and transient entries due for a retry (default true). */
  resync?: boolean;
  /** What started this session, for the integration log (default: `plan` for apply, else `manual`). */
  trigger?: RunTrigger;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  retry?: RetryPolicy;
  /** How long a lease lasts without renewal (renewed every third of it). */
  leaseTtlMs?: number;
  /** Time for the whole session (default: the system clock). */
  clock?: Clock;
  /** Aborts the session at the next batch boundary (SIGTERM/SIGINT from the CLI). */
  signal?: AbortSignal;
  onPlanProgress?(progress: { read: number; attention: number }): void;
  /** Before apply writes: how many writes the plan holds (creates, updates, deletes, corrections). */
  onApplyStart?(total: number): void;
  onApplyProgress?(counts: ApplyCounts): void;
  /** How many operations to keep in memory for printing the plan. */
  keepOps?: number;
  /** Who runs it: the author of a plan saved for approval (default: the scheduler for a scheduled run, else the OS user). */
  actor?: string;
  /**
   * Called once the run report is recorded, with the store still open (alerts, metrics). What it
   * throws is logged, never the run's outcome.
   */
  onFinished?(finished: FinishedRun): Promise<void>;
}

export interface FinishedRun {
  report: RunReport;
  pipeline: LoadedPipeline;
  state: StateStore;
}

export interface Ctx {
  opts: SessionOptions;
  command: Command;
  runId: string;
  pipeline: LoadedPipeline;
  state: StateStore;
  conns: OpenConnections;
  logger: Logger;
  clock: Clock;
  /** Fires when the session must stop writing (a signal, or the lease was lost). */
  signal: AbortSignal;
  /** Whether this session writes (run, apply). */
  writes: boolean;
}

/** The target field carrying the dedupe key, when the key is a plain top-level field. */
export function targetKeyField(pipeline: LoadedPipeline): string | undefined {
  const key = pipeline.spec.target.key;
  return key && isFieldPath(key) && !key.includes('.') ? key : undefined;
}

/**
 * The opened target resource and the one view of it (by key) every phase uses. A routed pipeline's
 * target is the RoutedTarget over the target of every connection its route can produce.
 */
export async function openTarget(ctx: Ctx): Promise<{ target: TargetResource; view: TargetView }> {
  const keyField = targetKeyField(ctx.pipeline);
  const options = ctx.pipeline.spec.target.options;
  const route = ctx.pipeline.route;
  let target: TargetResource;
  if (route) {
    let routed = routedTargets.get(ctx.conns);
    if (!routed) {
      const parts = new Map<string, TargetResource>();
      for (const [name, bound] of route.targets) parts.set(name, await ctx.conns.target(bound, options, keyField));
      routed = new RoutedTarget(parts);
      routedTargets.set(ctx.conns, routed);
    }
    target = routed;
  } else target = await ctx.conns.target(ctx.pipeline.target, options, keyField);
  let view = views.get(target);
  if (!view) {
    // A listed record of a routed target carries its routed key: its computed key gets the same connection.
    const scope = route
      ? (listed: string, key: string) => routedKey(splitRoutedKey(listed)?.connection ?? '', key)
      : undefined;
    view = new TargetView(target, compileKey(ctx.pipeline.spec.target.key ?? ''), keyField, scope);
    views.set(target, view);
  }
  return { target, view };
}

const views = new WeakMap<TargetResource, TargetView>();
const routedTargets = new WeakMap<OpenConnections, RoutedTarget>();

/** The session's trigger: given, else `plan` for the apply of a reviewed plan, `manual` otherwise. */
export function sessionTrigger(ctx: Pick<Ctx, 'opts' | 'command'>): RunTrigger {
  return ctx.opts.trigger ?? (ctx.command === 'apply' ? 'plan' : 'manual');
}
