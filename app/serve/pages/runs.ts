/** Runs: history with counts, API calls, durations, failures; one run's report and the records it changed. */
import { html } from 'hono/html';
import type { Hono } from 'hono';
import { queryLog } from '../../../engine/ops/log.js';
import type { RunReport } from '../../../engine/run/report.js';
import type { RunRow } from '../../../engine/state/runs.js';
import { layout, qs, short } from '../html.js';
import type { Env } from '../security.js';
import type { PageDeps } from '../deps.js';

const report = (r: RunRow): Partial<RunReport> =>
  r.report && typeof r.report === 'object' ? (r.report as Partial<RunReport>) : {};
const calls = (rep: Partial<RunReport>): number =>
  Object.values(rep.apiCalls ?? {}).reduce((a, s) => a + s.apiCalls, 0);
const secs = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`;

export function runsRoutes(app: Hono<Env>, d: PageDeps): void {
  app.get('/runs', async (c) => {
    const s = c.get('session')!;
    const pipeline = c.req.query('pipeline') || undefined;
    const runs = await d.state.runList(pipeline, 100);
    const body = html`<table id="runs">
      <thead>
        <tr>
          <th>Started</th>
          <th>Pipeline</th>
          <th>Command</th>
          <th>Status</th>
          <th class="num">Read</th>
          <th class="num">Created</th>
          <th class="num">Updated</th>
          <th class="num">Deleted</th>
          <th class="num">Attention</th>
          <th class="num">API calls</th>
          <th class="num">Duration</th>
          <th>Failure</th>
        </tr>
      </thead>
      <tbody>
        ${runs.map((r) => {
          const rep = report(r);
          const a = rep.apply;
          return html`<tr>
            <td><a href="/runs/${r.id}">${r.startedAt}</a></td>
            <td><a href="/runs${qs({ pipeline: r.pipeline })}">${r.pipeline}</a></td>
            <td>${r.command}</td>
            <td><span class="tag">${r.status}</span></td>
            <td class="num">${String(rep.plan?.counts.read ?? '')}</td>
            <td class="num">${String(a?.created ?? rep.plan?.counts.create ?? '')}</td>
            <td class="num">${String(a?.updated ?? rep.plan?.counts.update ?? '')}</td>
            <td class="num">${String(a?.deleted ?? rep.plan?.counts.delete ?? '')}</td>
            <td class="num">${String(rep.attention?.count ?? '')}</td>
            <td class="num">${String(calls(rep))}</td>
            <td class="num">${secs(r.durationMs)}</td>
            <td>${rep.error ? `${rep.error.code}: ${short(rep.error.message, 160)}` : ''}</td>
          </tr>`;
        })}
      </tbody>
    </table>`;
    return c.html(layout({ title: pipeline ? `Runs of ${pipeline}` : 'Runs', session: s, path: '/runs', body }));
  });

  app.get('/runs/:id', async (c) => {
    const s = c.get('session')!;
    const id = c.req.param('id');
    const row = (await d.state.knex('sluice_runs').where({ id }).select('pipeline').first()) as
      { pipeline: string } | undefined;
    if (!row)
      return c.html(
        layout({ title: 'Run', session: s, path: '/runs', body: html`<p class="error">There is no run ${id}.</p>` }),
        404,
      );
    const [run] = (await d.state.runList(row.pipeline, 1000)).filter((r) => r.id === id);
    const rep = report(run!);
    const changed = await queryLog(d.state, { run: id, limit: 500 });
    const body = html`<div class="cards">
        <div class="card">Pipeline<b>${row.pipeline}</b></div>
        <div class="card">Status<b>${run!.status}</b></div>
        <div class="card">Duration<b>${secs(run!.durationMs)}</b></div>
        <div class="card">API calls<b>${String(calls(rep))}</b></div>
        <div class="card">Attention<b>${String(rep.attention?.count ?? 0)}</b></div>
      </div>
      ${rep.error ? html`<p class="error">${rep.error.code}: ${rep.error.message}</p>` : ''}
      <h2>Changed records</h2>
      ${
        changed.entries.length === 0
          ? html`<p>This run changed nothing in the target.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Record</th>
                  <th>Operation</th>
                  <th>Outcome</th>
                  <th>Target id</th>
                  <th>Field changes</th>
                </tr>
              </thead>
              <tbody>
                ${changed.entries.map(
                  (e) =>
                    html`<tr>
                      <td><a href="/document${qs({ pipeline: e.pipeline, key: e.sourceKey })}">${e.sourceKey}</a></td>
                      <td>${e.op}</td>
                      <td>${e.outcome}</td>
                      <td>${e.targetId ?? ''}</td>
                      <td class="diff">
                        ${(e.changes ?? []).slice(0, 12).map((ch) => html`<div><code>${ch.path}</code>: <del>${short(ch.before, 50)}</del> → <ins>${short(ch.after, 50)}</ins></div>`)}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }${changed.truncated ? html`<p class="muted">Only the first 500 are shown (sluice log --run ${id}).</p>` : ''}`;
    return c.html(layout({ title: `Run ${id.slice(0, 8)}`, session: s, path: '/runs', body }));
  });
}
