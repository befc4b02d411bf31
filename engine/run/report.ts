/** The run report: counts per operation and outcome, duration, hashes, API calls, cursor, attention. */
import type { ConnectionStats } from '../connector/types.js';
import type { ApplyCounts } from '../apply/applier.js';
import type { PlanSummary } from '../plan/types.js';
import type { RunStatus } from '../state/runs.js';

export interface RunReport {
  runId: string;
  pipeline: string;
  command: string;
  status: RunStatus | 'planned';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  pipelineHash: string;
  planHash?: string;
  targetStateHash?: string;
  plan?: PlanSummary;
  apply?: ApplyCounts;
  /** Attention entries written by this run. */
  attention: { count: number; sample: { sourceKey: string; code: string; message: string }[] };
  apiCalls: Record<string, ConnectionStats>;
  confirm?: { sent: number; failed: number };
  error?: { code: string; message: string };
  exitCode: number;
  stateStore: string;
}

const n = (v: number | undefined): string => String(v ?? 0);

export function formatReport(r: RunReport): string {
  const lines: string[] = [];
  lines.push(`${r.command} ${r.pipeline}: ${r.status} in ${(r.durationMs / 1000).toFixed(1)}s (run ${r.runId})`);
  if (r.plan) {
    const c = r.plan.counts;
    lines.push(
      `  read ${c.read}  skipped ${c.skipped}  create ${c.create}  update ${c.update}  delete ${c.delete}  noop ${c.noop}  locked ${c.locked}  attention ${c.attention}`,
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
      `  written: created ${n(a.created)}  updated ${n(a.updated)}  deleted ${n(a.deleted)}  adopted ${n(a.adopted)}  recovered ${n(a.recovered)}  failed ${n(a.failed)}  retries ${n(a.retries)}`,
    );
  }
  if (r.confirm) lines.push(`  confirmations sent ${r.confirm.sent}, failed ${r.confirm.failed}`);
  const calls = Object.entries(r.apiCalls).map(([name, s]) => `${name} ${s.apiCalls}`);
  if (calls.length) lines.push(`  api calls: ${calls.join(', ')}`);
  if (r.planHash)
    lines.push(`  plan ${r.planHash.slice(0, 16)}  target state ${r.targetStateHash?.slice(0, 16) ?? '-'}`);
  if (r.attention.count > 0) {
    lines.push(`  needs attention: ${r.attention.count} record(s)`);
    for (const a of r.attention.sample) lines.push(`    ${a.sourceKey}  ${a.code}  ${a.message}`);
    if (r.attention.count > r.attention.sample.length) lines.push(`    … see: sluice attention list ${r.pipeline}`);
  }
  if (r.error) lines.push(`  error ${r.error.code}: ${r.error.message}`);
  return lines.join('\n') + '\n';
}
