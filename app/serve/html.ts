/**
 * Page layout and small view helpers. Every value goes through hono/html's `html` template, which
 * escapes it; nothing is put in a page unescaped but the page's own markup. No inline script or
 * style (the Content-Security-Policy forbids them): /assets/page.css and /assets/page.js.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { WebSession } from '../../engine/auth/sessions.js';
import type { ReasonClass } from '../../engine/error-codes.js';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const NAV = [
  ['/', 'Dashboard'],
  ['/attention', 'Requires attention'],
  ['/runs', 'Runs'],
  ['/plans', 'Plans awaiting approval'],
  ['/audit', 'Audit trail'],
] as const;

export function layout(o: {
  title: string;
  session?: WebSession | undefined;
  path: string;
  flash?: string;
  body: Html;
}): Html {
  const s = o.session;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${o.title} · sluice</title>
        <link rel="stylesheet" href="/assets/page.css" />
        <script src="/assets/page.js" defer></script>
      </head>
      <body>
        <header>
          <span class="brand">sluice</span>
          ${
            s
              ? html`<nav>
                    ${NAV.map(
                      ([href, label]) =>
                        html`<a
                          href="${href}"
                          ${(href === '/' ? o.path === '/' : o.path.startsWith(href)) ? html` aria-current="page"` : ''}
                          >${label}</a
                        >`,
                    )}
                  </nav>
                  <form method="post" action="/logout" class="who">
                    <span>${s.user.username} (${s.user.role})</span>${csrfField(s)}<button type="submit">
                      Log out
                    </button>
                  </form>`
              : ''
          }
        </header>
        <main>
          <h1>${o.title}</h1>
          ${o.flash ? html`<p class="flash" role="status">${o.flash}</p>` : ''} ${o.body}
        </main>
      </body>
    </html>`;
}

export const csrfField = (s: WebSession): Html => html`<input type="hidden" name="_csrf" value="${s.csrf}" />`;

/** The reason classes in plain words, and what to do about each. */
export const REASON_WORDS: Record<ReasonClass, { plain: string; todo: string }> = {
  config: {
    plain: 'The setup is missing something (a mapping, an account, a setting).',
    todo: 'Ask the consultant to fix the mapping or setting, then re-sync.',
  },
  auth: {
    plain: 'A system refused the login or the permission.',
    todo: 'Have the credentials or permissions fixed, then re-sync.',
  },
  data: {
    plain: 'The record itself has a problem (a missing or invalid value).',
    todo: 'Correct the record in the source system, then re-sync (or resolve it if it should not be synced).',
  },
  transient: {
    plain: 'A system was briefly unavailable or busy.',
    todo: 'Nothing: the next run retries it. Re-sync to try now.',
  },
  conflict: {
    plain: 'The target already holds a different version (a duplicate or a change made there).',
    todo: 'Check the target document, then re-sync or resolve with a reason.',
  },
  locked: {
    plain: 'The target document is posted and cannot be changed.',
    todo: 'Post a correction in the ERP, or resolve with a reason.',
  },
};

export function age(fromIso: string, now: number): string {
  const ms = Math.max(0, now - Date.parse(fromIso));
  const h = ms / 3600_000;
  if (h < 1) return `${Math.max(1, Math.round(ms / 60_000))} min`;
  if (h < 48) return `${Math.round(h)} h`;
  return `${Math.round(h / 24)} days`;
}

export function short(v: unknown, max = 120): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  if (s === undefined) return '(none)';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export const qs = (params: Record<string, string | undefined>): string => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? `?${s}` : '';
};
