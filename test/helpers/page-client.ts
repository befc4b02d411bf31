/** A minimal cookie-keeping client for the finance page's Hono app (HTTP-level tests, no browser). */
import type { Hono } from 'hono';

export const ORIGIN = 'http://localhost';

export class PageClient {
  cookies = new Map<string, string>();
  constructor(private readonly app: Pick<Hono, 'request'>) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(
    path: string,
    init: RequestInit & { form?: Record<string, string | string[]>; origin?: string | null } = {},
  ) {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', this.cookieHeader());
    let body = init.body;
    if (init.form) {
      const f = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const x of Array.isArray(v) ? v : [v]) f.append(k, x);
      body = f.toString();
      headers.set('content-type', 'application/x-www-form-urlencoded');
    }
    if (init.method === 'POST' && init.origin !== null) headers.set('origin', init.origin ?? ORIGIN);
    const res = await this.app.request(`${ORIGIN}${path}`, { ...init, headers, ...(body !== undefined && { body }) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = pair!.split('=');
      const value = v.join('=');
      if (value === '' || /max-age=0/i.test(c)) this.cookies.delete(k!.trim());
      else this.cookies.set(k!.trim(), value);
    }
    return res;
  }

  get(path: string) {
    return this.request(path);
  }

  post(path: string, form: Record<string, string | string[]>, origin?: string | null) {
    return this.request(path, { method: 'POST', form, ...(origin !== undefined && { origin }) });
  }

  /** The CSRF token of the current page (any form). */
  async csrf(path = '/'): Promise<string> {
    const text = await (await this.get(path)).text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (!m) throw new Error(`no CSRF token on ${path}`);
    return m[1]!;
  }

  async login(username: string, password: string, next = '/'): Promise<Response> {
    const page = await (await this.get(`/login?next=${encodeURIComponent(next)}`)).text();
    const token = /name="_login" value="([^"]+)"/.exec(page)?.[1] ?? '';
    return this.post('/login', { _login: token, username, password, next });
  }
}
