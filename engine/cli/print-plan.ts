/** Human-readable plan: one line per change with field-level diffs, then the summary. */
import type { PlanAttention, PlanOp, PlanSummary } from '../plan/types.js';

const SIGN: Record<string, string> = { create: '+', update: '~', delete: '-', locked: '!', noop: '=' };

function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return '(none)';
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function formatPlan(
  name: string,
  summary: PlanSummary,
  ops: PlanOp[],
  attention: PlanAttention[],
  limit = 200,
): string {
  const lines: string[] = [];
  for (const op of ops.slice(0, limit)) {
    const id = op.targetId ? ` (${op.targetId})` : '';
    if (op.op === 'create') {
      lines.push(`${SIGN.create} create  ${op.key}`);
      for (const [k, v] of Object.entries(op.record ?? {}).slice(0, 12)) lines.push(`      ${k}: ${show(v)}`);
    } else if (op.op === 'update') {
      lines.push(`${SIGN.update} update  ${op.key}${id}${op.reactivate ? ' (reactivate)' : ''}`);
      for (const c of op.changes ?? []) lines.push(`      ${c.path}: ${show(c.before)} -> ${show(c.after)}`);
    } else if (op.op === 'delete') {
      lines.push(
        `${SIGN.delete} ${op.action ?? 'delete'}  ${op.key}${id}${op.before === undefined ? ' (already gone from the target; ledger only)' : ''}`,
      );
    } else if (op.op === 'locked') {
      lines.push(`${SIGN.locked} locked  ${op.key}${id}: ${op.reason ?? ''}`);
    }
  }
  if (ops.length > limit)
    lines.push(`  … ${ops.length - limit} more change(s); save the whole plan with --out plan.json`);
  for (const a of attention.slice(0, limit)) lines.push(`? attention  ${a.sourceKey}  ${a.code}  ${a.message}`);
  const c = summary.counts;
  lines.push('');
  lines.push(
    `Plan for ${name}: ${c.create} to create, ${c.update} to update, ${c.delete} to delete, ${c.noop} unchanged, ${c.locked} locked, ${c.attention} need attention (${c.read} read, ${c.skipped} skipped).`,
  );
  for (const w of summary.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}
