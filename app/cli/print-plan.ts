/** Human-readable plan: one line per change with field-level diffs, then the summary. */
import type { PlanAttention, PlanOp, PlanSummary } from '../../engine/plan/types.js';

function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return '(none)';
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const num = (n: number): string => n.toLocaleString('en-US');

function opLines(op: PlanOp): string[] {
  switch (op.op) {
    case 'create':
      return [
        `+ create  ${op.key}${op.supersedes ? ` (corrected version of ${op.supersedes}, reversed)` : ''}`,
        ...(op.notes ?? []).map((n) => `      note: ${n}`),
        ...Object.entries(op.record)
          .slice(0, 12)
          .map(([k, v]) => `      ${k}: ${show(v)}`),
      ];
    case 'update':
      return [
        `~ update  ${op.key} (${op.targetId})${op.reactivate ? ' (reactivate)' : ''}`,
        ...op.changes.map((c) => `      ${c.path}: ${show(c.before)} -> ${show(c.after)}`),
      ];
    case 'delete':
      return [`- ${op.action}  ${op.key} (${op.targetId})`];
    case 'forget':
      return [
        `- forget  ${op.key}${op.targetId ? ` (${op.targetId})` : ''} (already gone from the target; ledger only)`,
      ];
    case 'locked':
      return [`! locked  ${op.key}${op.targetId ? ` (${op.targetId})` : ''}: ${op.reason}`];
    case 'correct':
      return [
        `- reverse  ${op.key} (${op.targetId}): posted, changed in the source`,
        `+ create  ${op.key} (the corrected version)`,
        ...op.changes.map((c) => `      ${c.path}: ${show(c.before)} -> ${show(c.after)}`),
        ...(op.notes ?? []).map((n) => `      note: ${n}`),
      ];
    case 'in-doubt':
      return [`? in doubt  ${op.key}: sent at ${op.sentAt} by run ${op.sentBy}; settled after ${op.settleAfter}`];
    case 'noop':
      return [];
  }
}

export function formatPlan(
  name: string,
  summary: PlanSummary,
  ops: PlanOp[],
  attention: PlanAttention[],
  totals: { ops: number; attention: number },
  deleteAction: string = 'delete',
  limit = 200,
): string {
  const lines: string[] = [];
  for (const op of ops.slice(0, limit)) lines.push(...opLines(op));
  const moreOps = Math.max(totals.ops, ops.length) - Math.min(limit, ops.length);
  if (moreOps > 0) lines.push(`  … ${num(moreOps)} more change(s); save the whole plan with --out plan.json`);
  for (const a of attention.slice(0, limit)) lines.push(`? attention  ${a.sourceKey}  ${a.code}  ${a.message}`);
  const moreAtt = Math.max(totals.attention, attention.length) - Math.min(limit, attention.length);
  if (moreAtt > 0) lines.push(`  … ${num(moreAtt)} more attention entr${moreAtt === 1 ? 'y' : 'ies'}`);
  const c = summary.counts;
  lines.push('');
  const parts = [
    `${num(c.create)} to create`,
    `${num(c.update)} to update`,
    `${num(c.delete)} to ${deleteAction}`,
    `${num(c.noop)} unchanged`,
    `${num(c.locked)} locked`,
    ...(c.correct > 0 ? [`${num(c.correct)} to correct (reverse and post anew)`] : []),
    ...(c.inDoubt > 0 ? [`${num(c.inDoubt)} in doubt`] : []),
    `${num(c.attention)} need attention`,
  ];
  const read = [
    `${num(c.read)} read`,
    ...(c.rejected > 0 ? [`${num(c.rejected)} unreadable`] : []),
    `${num(c.skipped)} skipped`,
  ];
  lines.push(`Plan for ${name}: ${parts.join(', ')} (${read.join(', ')}).`);
  // A routed pipeline (keys are `connection/key`): what the plan does to each target connection.
  for (const [conn, k] of Object.entries(summary.connections ?? {})) {
    const each = [
      `${num(k.create)} to create`,
      `${num(k.update)} to update`,
      `${num(k.delete)} to ${deleteAction}`,
      `${num(k.noop)} unchanged`,
      `${num(k.locked)} locked`,
      ...(k.correct > 0 ? [`${num(k.correct)} to correct`] : []),
      ...(k.inDoubt > 0 ? [`${num(k.inDoubt)} in doubt`] : []),
      `${num(k.attention)} need attention`,
    ];
    lines.push(`  → ${conn}: ${each.join(', ')}`);
  }
  for (const w of summary.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}
