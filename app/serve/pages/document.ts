/** Document: one source record's integration log across runs, its target id and payload hash; re-sync from here. */
import { html } from 'hono/html';
import type { Hono } from 'hono';
import { queryLog } from '../../../engine/ops/log.js';
import type { LogEntry } from '../../../engine/state/log.js';
import { csrfField, layout, qs, REASON_WORDS, short } from '../html.js';
import { field, requireRole, type Env } from '../security.js';
import type { PageDeps } from '../deps.js';
import { flash, takeFlash } from '../flash.js';
import { resync } from './attention.js';

export function documentRoutes(app: Hono<Env>, d: PageDeps): void {
  app.get('/document', async (c) => {
    const s = c.get('session')!;
    const pipeline = c.req.query('pipeline') ?? '';
    const key = c.req.query('key') ?? '';
    if (pipeline === '' || key === '')
      return c.html(
        layout({
          title: 'Document',
          session: s,
          path: '/document',
          body: html`<p class="error">Open a document from the attention list or a run.</p>`,
        }),
        400,
      );
    const log = await queryLog(d.state, { pipeline, key, limit: 200 });
    const open = await d.state.attentionList({ pipeline, sourceKeys: [key], statuses: ['open', 'resync'] });
    const [ledger] = (await d.state.ledgerBySource(pipeline, [key])).get(key) ?? [];
    const lastTarget = log.entries.find((e) => e.targetId)?.targetId ?? ledger?.targetId ?? null;
    const lastHash = log.entries.find((e) => e.payloadHash)?.payloadHash ?? null;
    const body = html` <dl class="cards">
        <div class="card">Pipeline<b>${pipeline}</b></div>
        <div class="card">Source record<b>${key}</b></div>
        <div class="card">Target id (ERP document)<b id="target-id">${lastTarget ?? '—'}</b></div>
        <div class="card">
          Payload hash<b title="${lastHash ?? ''}"><code>${lastHash ? lastHash.slice(0, 16) : '—'}</code></b>
        </div>
      </dl>
      ${open.map(
        (e) =>
          html`<p class="error">
            Needs attention (${e.reasonClass}, ${e.code}): ${short(e.message, 300)}<br />${REASON_WORDS[e.reasonClass].todo}
          </p>`,
      )}
      ${
        s.user.role !== 'viewer'
          ? html`<form method="post" action="/document/resync" class="actions">
              ${csrfField(s)} <input type="hidden" name="pipeline" value="${pipeline}" /><input
                type="hidden"
                name="key"
                value="${key}"
              />
              <button type="submit">Re-sync this record</button>
            </form>`
          : ''
      }
      <h2>Integration log</h2>
      ${
        log.entries.length === 0
          ? html`<p>Nothing logged for this record yet.</p>`
          : html`<table id="log">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Trigger</th>
                  <th>Operation</th>
                  <th>Outcome</th>
                  <th>Target id</th>
                  <th>Field changes</th>
                  <th>Payload hash</th>
                  <th>Run</th>
                </tr>
              </thead>
              <tbody>
                ${log.entries.map(logRow)}
              </tbody>
            </table>`
      }`;
    return c.html(layout({ title: `Document ${key}`, session: s, path: '/document', flash: takeFlash(c), body }));
  });

  app.post('/document/resync', requireRole('operator'), async (c) => {
    const s = c.get('session')!;
    const pipeline = field(c, 'pipeline');
    const key = field(c, 'key');
    flash(c, await resync(d, pipeline, [key], s.user.username));
    return c.redirect(`/document${qs({ pipeline, key })}`, 303);
  });
}

function logRow(e: LogEntry) {
  return html`<tr>
    <td>${e.at}</td>
    <td>${e.trigger}</td>
    <td>${e.op}</td>
    <td>
      <span class="outcome">${e.outcome}</span
      >${e.code ? html`<div class="muted">${e.code}: ${short(e.message ?? '', 200)}</div>` : ''}
    </td>
    <td>${e.targetId ?? ''}</td>
    <td class="diff">
      ${(e.changes ?? []).slice(0, 30).map((ch) => html`<div><code>${ch.path}</code>: <del>${short(ch.before, 60)}</del> → <ins>${short(ch.after, 60)}</ins></div>`)}
    </td>
    <td><code title="${e.payloadHash ?? ''}">${e.payloadHash ? e.payloadHash.slice(0, 12) : ''}</code></td>
    <td>${e.runId ? html`<a href="/runs/${e.runId}">${e.runId.slice(0, 8)}</a>` : ''}</td>
  </tr>`;
}
