/** The run report: counts per operation and outcome, duration, hashes, API calls, cursor, attention; and the exit code. */
import type { ConnectionStats } from '../connector/types.js';
import type { ApplyCounts } from '../apply/applier.js';
import { ConfigError, InterruptedError, type SluiceError } from '../errors.js';
import type { PlanSummary, SettlementSummary } from '../plan/types.js';
import type { RunStatus } from '../state/runs.js';

export const EXIT = {
  ok: 0,
  failed: 1,
  invalid: 2,
  attention: 3,
  changes: 4,
  /** 128 + signal number, as shells report it. */
  sigint: 130,
  sigterm: 143,
} as const;

export interface RunReport {
  runId: string;
  pipeline: string;
  command: string;
  status: RunStatus | 'planned';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  pipelineHash: string;
  /** The pipeline file, and the git commit that last changed it when it is in a work tree. */
  pipelineFile: { path: string; commit?: string; modified?: boolean };
  planHash?: string;
  targetStateHash?: string;
  plan?: PlanSummary;
  /** Creates left in doubt by earlier runs, decided at the start of this one. */
  settled?: SettlementSummary;
  apply?: ApplyCounts;
  /** Attention entries written by this run (for a plan: that the plan would write). */
  attention: { count: number; sample: { sourceKey: string; code: string; message: string }[] };
  apiCalls: Record<string, ConnectionStats>;
  confirm?: { sent: number; failed: number };
  error?: { code: string; message: string };
  /** A run of a pipeline with `approval: required`: the plan it saved for approval instead of applying. */
  approval?: { id: number; planPath: string };
  exitCode: number;
  stateStore: string;
}

export interface Outcome {
  writes: boolean;
  failure: SluiceError | undefined;
  plan: PlanSummary | undefined;
  apply: ApplyCounts | undefined;
}

/** Status and exit code of a finished session: failure first, then interruption, then attention or pending changes. */
export function statusOf(o: Outcome): { status: RunReport['status']; exitCode: number } {
  if (o.failure instanceof InterruptedError) {
    return { status: 'interrupted', exitCode: o.failure.signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm };
  }
  if (o.failure) return { status: 'failed', exitCode: o.failure instanceof ConfigError ? EXIT.invalid : EXIT.failed };
  if (o.writes) {
    const attention = (o.apply?.attention ?? 0) > 0;
    return attention ? { status: 'attention', exitCode: EXIT.attention } : { status: 'succeeded', exitCode: EXIT.ok };
  }
  const c = o.plan?.counts;
  const changes = c ? c.create + c.update + c.delete + c.forget + c.correct > 0 : false;
  return { status: 'planned', exitCode: changes ? EXIT.changes : EXIT.ok };
}

const n = (v: number | undefined): string => String(v ?? 0);

export function formatReport(r: RunReport): string {
  const lines: string[] = [];
  lines.push(`${r.command} ${r.pipeline}: ${r.status} in ${(r.durationMs / 1000).toFixed(1)}s (run ${r.runId})`);
  if (r.settled && r.settled.found + r.settled.absent > 0) {
    lines.push(
      `  settled from earlier runs: ${r.settled.found} found in the target, ${r.settled.absent} not there (processed again)`,
    );
  }
  if (r.plan) {
    const c = r.plan.counts;
    lines.push(
      `  read ${c.read}  unchanged ${c.unchanged}  unreadable ${c.rejected}  skipped ${c.skipped}  create ${c.create}  update ${c.update}  delete ${c.delete + c.forget}  noop ${c.noop}  locked ${c.locked}  correct ${c.correct}  in doubt ${c.inDoubt}  attention ${c.attention}`,
    );
    if (r.plan.cursor.field)
      lines.push(
        `  cursor ${r.plan.cursor.field}: ${r.plan.cursor.from ?? '(start)'} -> ${r.plan.cursor.to ?? '(unchanged)'}`,
      );
    for (const w of r.plan.warnings) lines.push(`  warning: ${w}`);
  }
  if (r.apply) {
    const a = r.apply;
    lines.push(
      `  written: created ${n(a.created)}  updated ${n(a.updated)}  deleted ${n(a.deleted)}  adopted ${n(a.adopted)}  recovered ${n(a.recovered)}  reversed ${n(a.reversed)}  in doubt ${n(a.inDoubt)}  failed ${n(a.failed)}  retries ${n(a.retries)}`,
    );
  }
  if (r.confirm) lines.push(`  confirmations sent ${r.confirm.sent}, failed ${r.confirm.failed}`);
  const calls = Object.entries(r.apiCalls).map(([name, s]) => `${name} ${s.apiCalls}`);
  if (calls.length) lines.push(`  api calls: ${calls.join(', ')}`);
  if (r.pipelineFile.commit)
    lines.push(
      `  pipeline file ${r.pipelineFile.commit.slice(0, 12)}${r.pipelineFile.modified ? ' (with uncommitted changes)' : ''}`,
    );
  if (r.planHash)
    lines.push(`  plan ${r.planHash.slice(0, 16)}  target state ${r.targetStateHash?.slice(0, 16) ?? '-'}`);
  if (r.attention.count > 0) {
    lines.push(`  needs attention: ${r.attention.count} record(s)`);
    for (const a of r.attention.sample) lines.push(`    ${a.sourceKey}  ${a.code}  ${a.message}`);
    if (r.attention.count > r.attention.sample.length) lines.push(`    … see: sluice attention list ${r.pipeline}`);
  }
  if (r.approval)
    lines.push(
      `  approval required: nothing was applied; plan ${r.approval.id} (${r.approval.planPath}) awaits an approver (sluice plans show ${r.approval.id})`,
    );
  if (r.error) lines.push(`  error ${r.error.code}: ${r.error.message}`);
  return lines.join('\n') + '\n';
}
