/** Requires attention: open entries with filters; select one or many → re-sync, or resolve with a reason. */
import { html } from 'hono/html';
import type { Context, Hono } from 'hono';
import { listAttention, resolveAttention } from '../../../engine/ops/attention.js';
import { requestResync } from '../../../engine/ops/resync.js';
import { REASON_CLASSES, type ReasonClass } from '../../../engine/error-codes.js';
import { attentionGet } from '../../../engine/state/attention-admin.js';
import type { AttentionEntry } from '../../../engine/state/attention.js';
import { age, csrfField, layout, qs, REASON_WORDS, short } from '../html.js';
import { fields, field, requireRole, type Env } from '../security.js';
import type { PageDeps } from '../deps.js';
import { flash, takeFlash } from '../flash.js';

const AGES: Record<string, number> = { '1d': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

export function attentionRoutes(app: Hono<Env>, d: PageDeps): void {
  app.get('/attention', async (c) => {
    const s = c.get('session')!;
    const pipeline = c.req.query('pipeline') || undefined;
    const cls = c.req.query('class') as ReasonClass | undefined;
    const ageKey = c.req.query('age') ?? '';
    const all = await listAttention(d.state, {});
    const pipelines = [...new Set(all.map((e) => e.pipeline))].sort();
    const now = d.state.clock.now();
    const entries = all.filter(
      (e) =>
        (pipeline === undefined || e.pipeline === pipeline) &&
        (!cls || e.reasonClass === cls) &&
        (AGES[ageKey] === undefined || now - Date.parse(e.firstSeen) >= AGES[ageKey]!),
    );
    const operator = s.user.role !== 'viewer';
    const body = html` <form method="get" class="filters" action="/attention">
        <label
          >Pipeline<select name="pipeline">
            <option value="">all</option>
            ${pipelines.map((p) => html`<option${p === pipeline ? html` selected` : ''}>${p}</option>`)}
          </select></label
        >
        <label
          >Reason<select name="class">
            <option value="">all</option>
            ${REASON_CLASSES.map((k) => html`<option${k === cls ? html` selected` : ''}>${k}</option>`)}
          </select></label
        >
        <label
          >Older than<select name="age">
            <option value="">any age</option>
            ${Object.keys(AGES).map((k) => html`<option${k === ageKey ? html` selected` : ''}>${k}</option>`)}
          </select></label
        >
        <button type="submit" class="secondary">Filter</button>
      </form>
      ${
        entries.length === 0
          ? html`<p>Nothing needs attention${pipeline || cls || ageKey ? ' with these filters' : ''}.</p>`
          : html`<form method="post" id="attention-form">
              ${csrfField(s)}
              <table id="attention">
                <thead>
                  <tr>
                    ${operator ? html`<th><input type="checkbox" data-select-all="id" aria-label="select all" /></th>` : ''}
                    <th>Pipeline</th>
                    <th>Record</th>
                    <th>Reason</th>
                    <th>What happened / what to do</th>
                    <th class="num">Attempts</th>
                    <th>Age</th>
                  </tr>
                </thead>
                <tbody>
                  ${entries.map((e) => row(e, now, operator))}
                </tbody>
              </table>
              ${
                operator
                  ? html`<div class="actions">
                      <button type="submit" formaction="/attention/resync" name="do" value="resync">
                        Re-sync selected
                      </button>
                      <label
                        >Reason for resolving<input
                          name="reason"
                          size="40"
                          placeholder="e.g. posted by hand in the ERP"
                      /></label>
                      <button
                        type="submit"
                        formaction="/attention/resolve"
                        class="secondary"
                        data-confirm="Resolve the selected entries? They leave the list without being synced."
                      >
                        Resolve selected
                      </button>
                    </div>`
                  : html`<p class="muted">You can look; re-sync and resolve need the operator role.</p>`
              }
            </form>`
      }
      <p class="muted">${entries.length} of ${all.length} open entries.</p>`;
    return c.html(layout({ title: 'Requires attention', session: s, path: '/attention', flash: takeFlash(c), body }));
  });

  app.post('/attention/resync', requireRole('operator'), async (c) => {
    const s = c.get('session')!;
    const entries = await chosen(d, fields(c, 'id'));
    if (entries.length === 0) return back(c, 'Select at least one entry.');
    const byPipeline = new Map<string, string[]>();
    for (const e of entries) byPipeline.set(e.pipeline, [...(byPipeline.get(e.pipeline) ?? []), e.sourceKey]);
    const out: string[] = [];
    for (const [pipeline, keys] of byPipeline) out.push(await resync(d, pipeline, keys, s.user.username));
    return back(c, out.join(' '), field(c, 'back'));
  });

  app.post('/attention/resolve', requireRole('operator'), async (c) => {
    const s = c.get('session')!;
    const reason = field(c, 'reason').trim();
    const entries = await chosen(d, fields(c, 'id'));
    if (entries.length === 0) return back(c, 'Select at least one entry.');
    if (reason === '')
      return back(c, 'Say why the entries are resolved (it is kept in the audit trail); nothing was resolved.');
    for (const e of entries) await resolveAttention(d.state, { id: e.id, reason, by: s.user.username });
    return back(c, `Resolved ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}.`);
  });
}

function row(e: AttentionEntry, now: number, operator: boolean) {
  const words = REASON_WORDS[e.reasonClass];
  const doc = `/document${qs({ pipeline: e.pipeline, key: e.sourceKey })}`;
  return html`<tr data-key="${e.sourceKey}">
    ${operator ? html`<td><input type="checkbox" name="id" value="${String(e.id)}" aria-label="select ${e.sourceKey}" /></td>` : ''}
    <td>${e.pipeline}</td>
    <td>
      <a href="${doc}">${e.sourceKey}</a
      >${e.status === 'resync' ? html` <span class="tag">re-sync requested</span>` : ''}
    </td>
    <td>
      <span class="tag ${e.reasonClass}">${e.reasonClass}</span>
      <div class="muted">${e.code}</div>
    </td>
    <td>
      ${words.plain}
      <div>${short(e.message, 300)}</div>
      <div class="muted">What to do: ${words.todo}</div>
    </td>
    <td class="num">${String(e.occurrences)}</td>
    <td title="${e.firstSeen}">${age(e.firstSeen, now)}</td>
  </tr>`;
}

async function chosen(d: PageDeps, ids: string[]): Promise<AttentionEntry[]> {
  const out: AttentionEntry[] = [];
  for (const id of ids.slice(0, 1000)) {
    const n = Number(id);
    if (!Number.isInteger(n) || n <= 0) continue;
    const e = await attentionGet(d.state.knex, n);
    if (e) out.push(e);
  }
  return out;
}

/** Stores the request (audited) and runs the pipeline now when the page knows its file. */
export async function resync(d: PageDeps, pipeline: string, keys: string[], by: string): Promise<string> {
  await requestResync(d.state, { pipeline, keys, by });
  const result = await d.runner.run(pipeline, { actor: by, trigger: 'resync' });
  const n = `${keys.length} ${keys.length === 1 ? 'record' : 'records'} of ${pipeline}`;
  if (!result) return `Re-sync of ${n} requested; the next run of the pipeline processes it.`;
  if (result.report.approval)
    return `Re-sync of ${n}: the pipeline requires approval, so plan ${result.report.approval.id} awaits an approver.`;
  const still = (await d.state.attentionList({ pipeline, statuses: ['open', 'resync'], sourceKeys: keys })).length;
  const failed = result.report.error ? ` The run failed: ${result.report.error.code}.` : '';
  return `Re-synced ${n}: ${keys.length - still} done, ${still} still need attention.${failed}`;
}

function back(c: Context<Env>, message: string, to?: string) {
  flash(c, message);
  return c.redirect(to && to.startsWith('/document?') ? to : '/attention', 303);
}
