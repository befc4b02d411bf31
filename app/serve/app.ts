/**
 * The finance page (`sluice serve`): a Hono application on the state store. Server-rendered pages;
 * every page needs a session, every state-changing request a CSRF token and the role it needs, all
 * checked on the server. Routes: / (dashboard), /attention, /document, /runs, /plans, /audit, /login.
 */
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { secureHeaders } from 'hono/secure-headers';
import { localProvider, type AuthProvider } from '../../engine/auth/provider.js';
import { createSession, endSession, SESSION_TTL_MS } from '../../engine/auth/sessions.js';
import { PAGE_CSS, PAGE_JS } from './assets.js';
import type { PageDeps } from './deps.js';
import { layout } from './html.js';
import { attentionRoutes } from './pages/attention.js';
import { dashboardRoutes } from './pages/dashboard.js';
import { documentRoutes } from './pages/document.js';
import { plansRoutes } from './pages/plans.js';
import { runsRoutes } from './pages/runs.js';
import {
  clearSessionCookie,
  cookieName,
  csrfGuards,
  field,
  loadSession,
  LoginLimiter,
  parseForm,
  requireLogin,
  safeNext,
  setSessionCookie,
  type CookiePolicy,
  type Env,
} from './security.js';

export interface FinanceAppOptions extends PageDeps {
  /** Cookies with Secure (and the __Host- prefix): when served over TLS, directly or behind a TLS proxy. */
  secureCookies: boolean;
  /** The origin browsers see (behind a reverse proxy); default: the request's own. */
  publicOrigin?: string;
  provider?: AuthProvider;
  /** The client's address, for login rate limiting per address (the socket's; X-Forwarded-For is not trusted). */
  clientAddress?: (c: Context) => string;
}

export function financeApp(o: FinanceAppOptions): Hono<Env> {
  const app = new Hono<Env>();
  const policy: CookiePolicy = { secure: o.secureCookies };
  const provider = o.provider ?? localProvider(o.state);
  // Failed logins: 5 per user name, 30 per client address, in 15 minutes.
  const perUser = new LoginLimiter(o.state.clock, 5);
  const perAddress = new LoginLimiter(o.state.clock, 30);
  const guards = csrfGuards(o.publicOrigin);
  const loginCookie = cookieName(policy, 'sluice_login');

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      strictTransportSecurity: o.secureCookies ? 'max-age=31536000' : false,
      referrerPolicy: 'same-origin',
    }),
  );
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.get('/assets/page.css', (c) => c.body(PAGE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  app.get('/assets/page.js', (c) => c.body(PAGE_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/healthz', (c) => c.text('ok'));
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.use('*', guards.origin, parseForm, loadSession(o.state, policy));

  const loginPage = (next: string, token: string, error?: string) =>
    layout({
      title: 'Log in',
      path: '/login',
      body: html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
        <form method="post" action="/login" class="login">
          <input type="hidden" name="_login" value="${token}" /><input type="hidden" name="next" value="${next}" />
          <label>User name<input name="username" autocomplete="username" required autofocus /></label>
          <label>Password<input name="password" type="password" autocomplete="current-password" required /></label>
          <button type="submit">Log in</button>
        </form>`,
    });
  // One token per browser (kept while the cookie lives), so two login pages open at once both work.
  const loginToken = (c: Parameters<typeof setSessionCookie>[0]): string => {
    const held = getCookie(c, loginCookie);
    const token = held && /^[A-Za-z0-9_-]{32}$/.test(held) ? held : randomBytes(24).toString('base64url');
    setCookie(c, loginCookie, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: policy.secure,
      path: '/',
      maxAge: 3600,
    });
    return token;
  };

  app.get('/login', (c) => {
    return c.html(loginPage(safeNext(c.req.query('next')), loginToken(c)));
  });

  app.post('/login', async (c) => {
    const next = safeNext(field(c, 'next'));
    const token = field(c, '_login');
    const expected = getCookie(c, loginCookie);
    if (!expected || token !== expected) return c.text('forbidden: the login form is stale or forged; reload it', 403);
    const username = field(c, 'username').trim();
    const user = [username.toLowerCase()];
    const address = o.clientAddress ? [o.clientAddress(c)] : [];
    const wait = Math.max(perUser.blocked(user), perAddress.blocked(address));
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return c.html(
        loginPage(next, loginToken(c), `Too many failed logins: try again in ${Math.ceil(wait / 60)} min.`),
        429,
      );
    }
    const identity = await provider.authenticate(username, field(c, 'password'));
    if (!identity) {
      perUser.fail(user);
      perAddress.fail(address);
      return c.html(loginPage(next, loginToken(c), 'Wrong user name or password.'), 401);
    }
    perUser.succeed(user[0]!);
    // A new session id at every login (an id planted before it is worthless); the old one ends.
    const old = getCookie(c, cookieName(policy, 'sluice_session'));
    if (old) await endSession(o.state, old);
    const session = await createSession(o.state, identity);
    setSessionCookie(c, policy, session.id, Math.floor(SESSION_TTL_MS / 1000));
    return c.redirect(next, 303);
  });

  app.use('*', requireLogin, guards.token);

  app.post('/logout', async (c) => {
    await endSession(o.state, c.get('session')!.id);
    clearSessionCookie(c, policy);
    return c.redirect('/login', 303);
  });

  dashboardRoutes(app, o);
  attentionRoutes(app, o);
  documentRoutes(app, o);
  runsRoutes(app, o);
  plansRoutes(app, o);
  app.notFound((c) =>
    c.html(
      layout({ title: 'Not found', session: c.get('session'), path: '', body: html`<p>There is no such page.</p>` }),
      404,
    ),
  );
  return app;
}
