/**
 * The audit trail of operator and approver actions (who, when, what): approvals, rejections,
 * re-syncs, resolutions, user changes. Rows live in sluice_audit beside the engine's own entries
 * (lease breaks, state copies); `actor` is the person, `detail` the action's data as JSON.
 */
import { isoNow } from '../runtime/clock.js';
import type { StateStore } from '../state/store.js';

export async function audit(
  state: StateStore,
  a: { action: string; by: string; pipeline?: string; detail: Record<string, unknown> },
): Promise<void> {
  await state.knex('sluice_audit').insert({
    at: isoNow(state.clock),
    pipeline: a.pipeline ?? '*',
    action: a.action,
    actor: a.by,
    detail: JSON.stringify({ by: a.by, ...a.detail }),
  });
}

export interface AuditEntry {
  id: number;
  at: string;
  pipeline: string;
  action: string;
  actor: string | null;
  detail: Record<string, unknown>;
}

export async function auditTrail(
  state: StateStore,
  q: { pipeline?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  let query = state
    .knex('sluice_audit')
    .orderBy('id', 'desc')
    .limit(q.limit ?? 200);
  if (q.pipeline !== undefined) query = query.where({ pipeline: q.pipeline });
  const rows = (await query) as {
    id: number;
    at: string;
    pipeline: string;
    action: string;
    actor: string | null;
    detail: string | null;
  }[];
  return rows.map((r) => {
    let detail: Record<string, unknown> = {};
    try {
      detail = r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : {};
    } catch {
      detail = { text: r.detail };
    }
    const by = typeof detail.by === 'string' ? detail.by : null;
    return { id: Number(r.id), at: r.at, pipeline: r.pipeline, action: r.action, actor: r.actor ?? by, detail };
  });
}
