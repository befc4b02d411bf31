/** What the phases of one session share: options, run id, pipeline, state store, connections. */
import type { LoadedPipeline } from '../config/pipeline.js';
import type { Logger } from '../runtime/logger.js';
import type { StateStore } from '../state/store.js';
import { isFieldPath } from '../transform/key.js';
import type { OpenConnections } from './open.js';
import type { ApplyResult } from '../apply/applier.js';
import type { Registry } from '../connector/registry.js';
import type { PlanCounts } from '../plan/types.js';
import type { RetryPolicy } from '../runtime/retry.js';

export const COMMANDS = ['plan', 'run', 'apply'] as const;
export type Command = (typeof COMMANDS)[number];

export interface SessionOptions {
  command: Command;
  /** Pipeline file (plan, run); for apply it comes from the plan file. */
  pipelinePath?: string;
  /** An already loaded (and possibly rebound) pipeline: `sluice test` runs fixtures through it. */
  pipeline?: LoadedPipeline;
  /** Plan file to apply. */
  planPath?: string;
  /** Where `plan` saves its plan. */
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
  /** Re-process records marked for re-sync (default true for run). */
  resync?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  retry?: RetryPolicy;
  leaseTtlMs?: number;
  onPlanProgress?(counts: PlanCounts): void;
  onApplyProgress?(counts: ApplyResult['counts']): void;
  /** How many operations to keep in memory for printing the plan. */
  keepOps?: number;
}

export interface Ctx {
  opts: SessionOptions;
  runId: string;
  startedAt: Date;
  pipeline: LoadedPipeline;
  state: StateStore;
  conns: OpenConnections;
  logger: Logger;
}

/** The target field carrying the dedupe key, when the key is a plain top-level field. */
export function targetKeyField(pipeline: LoadedPipeline): string | undefined {
  const key = pipeline.spec.target.key;
  return key && isFieldPath(key) && !key.includes('.') ? key : undefined;
}
