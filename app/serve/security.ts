/**
 * The finance page's guards: the session cookie (HttpOnly, SameSite=Strict, Secure and __Host-
 * under TLS), the session on every request, roles checked on the server for every route, CSRF on
 * every state-changing request (the Origin check of hono/csrf and a synchronizer token from the
 * session, both), login rate limiting, and `?next=` limited to paths of this site.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { csrfMatches, findSession, type WebSession } from '../../engine/auth/sessions.js';
import { hasRole, type Role } from '../../engine/auth/users.js';
import type { Clock } from '../../engine/runtime/clock.js';
import type { StateStore } from '../../engine/state/store.js';

export interface Env {
  Variables: { session: WebSession | undefined; form: Record<string, string | string[]> };
}

export interface CookiePolicy {
  /** Served over TLS (directly, or behind a TLS-terminating proxy with --secure-cookies). */
  secure: boolean;
}

export const cookieName = (p: CookiePolicy, base: string): string => (p.secure ? `__Host-${base}` : base);

export function setSessionCookie(c: Context, p: CookiePolicy, id: string, maxAgeS: number): void {
  setCookie(c, cookieName(p, 'sluice_session'), id, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: p.secure,
    path: '/',
    maxAge: maxAgeS,
  });
}

export function clearSessionCookie(c: Context, p: CookiePolicy): void {
  deleteCookie(c, cookieName(p, 'sluice_session'), { path: '/', secure: p.secure });
}

export function loadSession(state: StateStore, p: CookiePolicy): MiddlewareHandler<Env> {
  return async (c, next) => {
    c.set('session', await findSession(state, getCookie(c, cookieName(p, 'sluice_session'))));
    await next();
  };
}

/** A same-origin path for `?next=`, else `/` (no scheme, no host, no `//`, no backslash or control characters). */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(next)) return '/';
  try {
    const u = new URL(next, 'http://sluice.invalid');
    if (u.origin !== 'http://sluice.invalid') return '/';
    return `${u.pathname}${u.search}`;
  } catch {
    return '/';
  }
}

/** Pages need a session; a GET without one goes to the login page, anything else gets 401. */
export const requireLogin: MiddlewareHandler<Env> = async (c, next) => {
  if (c.get('session')) return next();
  if (c.req.method === 'GET' || c.req.method === 'HEAD') {
    const u = new URL(c.req.url);
    return c.redirect(`/login?next=${encodeURIComponent(safeNext(`${u.pathname}${u.search}`))}`, 303);
  }
  return c.text('log in first', 401);
};

export function requireRole(role: Role): MiddlewareHandler<Env> {
  return async (c, next) => {
    const s = c.get('session');
    if (!s) return c.text('log in first', 401);
    if (!hasRole(s.user.role, role))
      return c.text(`forbidden: this needs the ${role} role; ${s.user.username} is a ${s.user.role}`, 403);
    return next();
  };
}

/** Parses the form once (urlencoded or multipart) into c.var.form; repeated fields become arrays. */
export const parseForm: MiddlewareHandler<Env> = async (c, next) => {
  const form: Record<string, string | string[]> = {};
  if (c.req.method === 'POST') {
    const body = await c.req.parseBody({ all: true }).catch(() => ({}));
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      const vals = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
      form[k] = vals.length === 1 ? vals[0]! : vals;
    }
  }
  c.set('form', form);
  await next();
};

export const field = (c: Context<Env>, name: string): string => {
  const v = c.get('form')[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? '') : '';
};

export const fields = (c: Context<Env>, name: string): string[] => {
  const v = c.get('form')[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

/** Origin check (hono/csrf) for every unsafe method; then the session's synchronizer token. */
export function csrfGuards(publicOrigin?: string): { origin: MiddlewareHandler<Env>; token: MiddlewareHandler<Env> } {
  return {
    origin: csrf({
      origin: (origin, c) => origin === (publicOrigin ?? new URL(c.req.url).origin),
    }) as MiddlewareHandler<Env>,
    token: async (c, next) => {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
      const s = c.get('session');
      if (!s) return c.text('log in first', 401);
      const token = c.req.header('x-csrf-token') ?? field(c, '_csrf');
      if (!csrfMatches(s, token))
        return c.text('forbidden: the form is stale or forged (CSRF token); reload the page', 403);
      return next();
    },
  };
}

/**
 * Failed logins per client address and per user name: after `max` failures in `windowMs` further
 * attempts are refused (429) until the window passes; a success clears the user's count.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly clock: Clock,
    private readonly max = 5,
    private readonly windowMs = 15 * 60_000,
  ) {}

  private recent(key: string): number[] {
    const now = this.clock.now();
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Seconds to wait, or 0 when an attempt may be made. */
  blocked(keys: readonly string[]): number {
    let wait = 0;
    for (const k of keys) {
      const list = this.recent(k);
      if (list.length >= this.max)
        wait = Math.max(wait, Math.ceil((list[0]! + this.windowMs - this.clock.now()) / 1000));
    }
    return wait;
  }

  fail(keys: readonly string[]): void {
    for (const k of keys) this.failures.set(k, [...this.recent(k), this.clock.now()]);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}
