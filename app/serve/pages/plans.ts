/**
 * Plans awaiting approval: the list, one plan record by record with field diffs, approve or reject
 * with a comment (approver role; the author may not approve: enforced by the service), and apply
 * an approved plan.
 */
import { html } from 'hono/html';
import type { Context, Hono } from 'hono';
import { approvePlan, listPlans, rejectPlan, reviewPlan, type ApprovalRow } from '../../../engine/ops/approvals.js';
import { asSluiceError } from '../../../engine/errors.js';
import type { PlanOp } from '../../../engine/plan/types.js';
import { csrfField, layout, short } from '../html.js';
import { field, requireRole, type Env } from '../security.js';
import type { PageDeps } from '../deps.js';
import { flash, takeFlash } from '../flash.js';

const counts = (a: ApprovalRow) =>
  `create ${a.counts.create}, update ${a.counts.update}, delete ${a.counts.delete}, correct ${a.counts.correct}, locked ${a.counts.locked}, attention ${a.counts.attention}`;

export function plansRoutes(app: Hono<Env>, d: PageDeps): void {
  app.get('/plans', async (c) => {
    const s = c.get('session')!;
    const pending = await listPlans(d.state, { statuses: ['pending'] });
    const recent = await listPlans(d.state, { statuses: ['approved', 'rejected', 'applied'], limit: 50 });
    const table = (rows: ApprovalRow[]) =>
      html`<table>
        <thead>
          <tr>
            <th>Plan</th>
            <th>Pipeline</th>
            <th>Changes</th>
            <th>Made by</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (a) =>
              html`<tr>
                <td><a href="/plans/${String(a.id)}">#${String(a.id)}</a></td>
                <td>${a.pipeline}</td>
                <td>${counts(a)}</td>
                <td>
                  ${a.author}
                  <div class="muted">${a.createdAt}</div>
                </td>
                <td>
                  <span class="tag">${a.status}</span
                  >${a.decidedBy ? html`<div class="muted">by ${a.decidedBy} ${a.decidedAt ?? ''}</div>` : ''}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>`;
    const body = html`${pending.length === 0 ? html`<p>No plan awaits approval.</p>` : table(pending)}
      <h2>Decided</h2>
      ${recent.length === 0 ? html`<p class="muted">None yet.</p>` : table(recent)}`;
    return c.html(layout({ title: 'Plans awaiting approval', session: s, path: '/plans', flash: takeFlash(c), body }));
  });

  app.get('/plans/:id', async (c) => {
    const s = c.get('session')!;
    let review;
    try {
      review = await reviewPlan(d.state, c.req.param('id'));
    } catch (err) {
      const e = asSluiceError(err);
      return c.html(
        layout({ title: 'Plan', session: s, path: '/plans', body: html`<p class="error">${e.code}: ${e.message}</p>` }),
        404,
      );
    }
    const a = review.approval;
    const own = a.author === s.user.username;
    const canDecide = s.user.role === 'approver' && a.status === 'pending';
    const body = html`<div class="cards">
        <div class="card">Pipeline<b>${a.pipeline}</b></div>
        <div class="card">Status<b id="plan-status">${a.status}</b></div>
        <div class="card">Made by<b>${a.author}</b><span class="muted">${a.createdAt}</span></div>
        <div class="card">
          Changes<b>${String(a.counts.create + a.counts.update + a.counts.delete + a.counts.correct)}</b
          ><span class="muted">${counts(a)}</span>
        </div>
      </div>
      ${a.decidedBy ? html`<p class="flash">${a.status} by ${a.decidedBy} at ${a.decidedAt ?? ''}${a.comment ? html`: “${a.comment}”` : ''}</p>` : ''}
      ${
        canDecide
          ? html`<form method="post" action="/plans/${String(a.id)}/decide" class="actions">
              ${csrfField(s)}
              <label>Comment<textarea name="comment" rows="2" cols="50"></textarea></label>
              <button type="submit" name="decision" value="approve">Approve</button>
              <button type="submit" name="decision" value="reject" class="danger">Reject</button>
              ${own ? html`<span class="muted">You made this plan: a second approver must approve it.</span>` : ''}
            </form>`
          : ''
      }
      ${
        a.status === 'approved' && s.user.role !== 'viewer'
          ? html`<form method="post" action="/plans/${String(a.id)}/apply" class="actions">
              ${csrfField(s)}<button type="submit" data-confirm="Apply the approved plan to the target now?">
                Apply the approved plan
              </button>
            </form>`
          : ''
      }
      <h2>Record by record</h2>
      ${
        review.operations.length === 0
          ? html`<p>No changes.</p>`
          : html`<table id="plan-ops">
              <thead>
                <tr>
                  <th>Operation</th>
                  <th>Record</th>
                  <th>Field changes</th>
                </tr>
              </thead>
              <tbody>
                ${review.operations.map(opRow)}
              </tbody>
            </table>`
      }
      ${
        review.attention.length > 0
          ? html`<h2>Would need attention</h2>
              <table>
                <tbody>
                  ${review.attention.map(
                    (t) =>
                      html`<tr>
                        <td>${t.sourceKey}</td>
                        <td>${t.code}</td>
                        <td>${short(t.message, 200)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
          : ''
      }
      ${review.truncated ? html`<p class="muted">Only the first 500 entries are shown (sluice plans show ${String(a.id)} --json).</p>` : ''}`;
    return c.html(layout({ title: `Plan #${a.id}`, session: s, path: '/plans', flash: takeFlash(c), body }));
  });

  app.post('/plans/:id/decide', requireRole('approver'), async (c) => {
    const s = c.get('session')!;
    const id = c.req.param('id');
    const decision = field(c, 'decision');
    const comment = field(c, 'comment');
    try {
      const by = s.user.username;
      const row =
        decision === 'approve'
          ? await approvePlan(d.state, { id, by, comment })
          : decision === 'reject'
            ? await rejectPlan(d.state, { id, by, comment })
            : undefined;
      if (!row) return c.text('decision must be approve or reject', 400);
      flash(c, `Plan #${row.id} ${row.status}.`);
      return c.redirect(`/plans/${row.id}`, 303);
    } catch (err) {
      return refused(c, id, err);
    }
  });

  app.post('/plans/:id/apply', requireRole('operator'), async (c) => {
    const s = c.get('session')!;
    const id = c.req.param('id');
    try {
      const { approval } = await reviewPlan(d.state, id, 0);
      const result = await d.runner.apply(approval.pipeline, approval.planPath, s.user.username);
      flash(
        c,
        result.report.error
          ? `Applying plan #${approval.id} failed: ${result.report.error.code}: ${result.report.error.message}`
          : `Plan #${approval.id} applied: run ${result.report.runId} ${result.report.status}.`,
      );
      return c.redirect(`/plans/${approval.id}`, 303);
    } catch (err) {
      return refused(c, id, err);
    }
  });
}

/** A refused decision or apply: the page says why, with the status a script can check (403 for the author). */
function refused(c: Context<Env>, id: string, err: unknown) {
  const e = asSluiceError(err);
  const status = e.code === 'PLAN_APPROVER_IS_AUTHOR' ? 403 : e.code === 'PLAN_APPROVAL_UNKNOWN' ? 404 : 409;
  const body = html`<p class="error" id="refused">Refused (${e.code}): ${e.message}</p>
    <p><a href="/plans/${encodeURIComponent(id)}">Back to the plan</a></p>`;
  return c.html(layout({ title: 'Refused', session: c.get('session'), path: '/plans', body }), status);
}

function opRow(op: PlanOp) {
  const changes =
    op.op === 'update' || op.op === 'correct'
      ? op.changes
      : op.op === 'create'
        ? Object.entries(op.record).map(([path, after]) => ({ path, before: undefined, after }))
        : op.op === 'locked'
          ? (op.changes ?? [])
          : [];
  return html`<tr>
    <td><span class="tag">${op.op}</span></td>
    <td>${op.key}${'targetId' in op && op.targetId ? html`<div class="muted">${op.targetId}</div>` : ''}</td>
    <td class="diff">
      ${changes
        .slice(0, 40)
        .map(
          (ch) =>
            html`<div>
              <code>${ch.path}</code>: ${ch.before === undefined ? '' : html`<del>${short(ch.before, 60)}</del> → `}<ins
                >${short(ch.after, 60)}</ins
              >
            </div>`,
        )}
    </td>
  </tr>`;
}
