/** The dashboard: last successful run per pipeline, open attention by class, postings this period; and the audit trail. */
import { html } from 'hono/html';
import type { Hono } from 'hono';
import { auditTrail } from '../../../engine/auth/audit.js';
import { dashboard } from '../../../engine/ops/dashboard.js';
import { REASON_CLASSES } from '../../../engine/error-codes.js';
import { layout, qs, short } from '../html.js';
import type { Env } from '../security.js';
import type { PageDeps } from '../deps.js';

export function dashboardRoutes(app: Hono<Env>, d: PageDeps): void {
  app.get('/', async (c) => {
    const s = c.get('session')!;
    const b = await dashboard(d.state);
    const open = REASON_CLASSES.reduce((n, k) => n + (b.attentionByClass[k] ?? 0), 0);
    const body = html`<div class="cards">
        <div class="card">
          Requires attention<b id="attention-total"><a href="/attention">${String(open)}</a></b>
        </div>
        ${REASON_CLASSES.filter((k) => b.attentionByClass[k]).map(
          (k) =>
            html`<div class="card">
              <span class="tag ${k}">${k}</span
              ><b><a href="/attention${qs({ class: k })}">${String(b.attentionByClass[k])}</a></b>
            </div>`,
        )}
        <div class="card">Postings since ${b.periodStart.slice(0, 10)}<b id="postings">${String(b.postings)}</b></div>
        <div class="card">
          Plans awaiting approval<b><a href="/plans">${String(b.plansAwaiting)}</a></b>
        </div>
      </div>
      <table id="pipelines">
        <thead>
          <tr>
            <th>Pipeline</th>
            <th>Last successful run</th>
            <th>Last run</th>
            <th>Attention</th>
            <th class="num">Postings this period</th>
          </tr>
        </thead>
        <tbody>
          ${b.pipelines.map(
            (p) =>
              html`<tr>
                <td><a href="/runs${qs({ pipeline: p.pipeline })}">${p.pipeline}</a></td>
                <td>${p.lastSuccessAt ?? 'never'}</td>
                <td>
                  ${p.lastRun ? html`<a href="/runs/${p.lastRun.id}">${p.lastRun.status}</a> <span class="muted">${p.lastRun.finishedAt ?? ''}</span>` : ''}
                </td>
                <td>
                  ${Object.entries(p.attention).map(([k, n]) => html`<span class="tag ${k}">${k} ${String(n)}</span> `)}
                </td>
                <td class="num">${String(p.postings)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`;
    return c.html(layout({ title: 'Dashboard', session: s, path: '/', body }));
  });

  app.get('/audit', async (c) => {
    const s = c.get('session')!;
    const rows = await auditTrail(d.state, { limit: 300 });
    const body = html`<table id="audit">
      <thead>
        <tr>
          <th>When</th>
          <th>Who</th>
          <th>Action</th>
          <th>Pipeline</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map((r) => {
          const { by: _by, ...rest } = r.detail;
          return html`<tr>
            <td>${r.at}</td>
            <td>${r.actor ?? ''}</td>
            <td>${r.action}</td>
            <td>${r.pipeline}</td>
            <td><code>${short(rest, 240)}</code></td>
          </tr>`;
        })}
      </tbody>
    </table>`;
    return c.html(layout({ title: 'Audit trail', session: s, path: '/audit', body }));
  });
}
