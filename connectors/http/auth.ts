/**
 * Request authentication: a fixed header (API key, basic, bearer from a reference) or OAuth2 client
 * credentials with a cached token, fetched again shortly before it expires and once after a 401.
 * Tokens and secrets live only in memory and in request headers, never in logs or errors.
 */
import { AuthError, ConnectorError } from '../../engine/errors.js';
import type { Clock } from '../../engine/runtime/clock.js';
import type { HttpRequest, HttpResponse } from '../../engine/runtime/http.js';
import { resolveUrl, type HttpAuth } from './config.js';
import { HTTP_ERRORS, remoteMessage } from './errors.js';

export interface Authenticator {
  /** Headers for the next request (may fetch a token). */
  headers(): Promise<Record<string, string>>;
  /** After a 401: whether fetching new credentials may help (it then drops what it cached). */
  renew(): boolean;
}

/** Sends one request (rate-limited and counted), used for token calls. */
export type Send = (req: HttpRequest) => Promise<HttpResponse>;

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

function fixed(headers: Record<string, string>): Authenticator {
  return { headers: () => Promise.resolve(headers), renew: () => false };
}

export function createAuthenticator(auth: HttpAuth, base: URL, send: Send, clock: Clock): Authenticator {
  switch (auth.type) {
    case 'none':
      return fixed({});
    case 'api-key':
      return fixed({ [auth.header ?? 'X-API-Key']: auth.value });
    case 'basic':
      return fixed({ authorization: basic(auth.username, auth.password) });
    case 'bearer':
      return fixed({ authorization: `Bearer ${auth.token}` });
    case 'oauth2-client-credentials':
      return new ClientCredentials(auth, resolveUrl(base, auth.tokenUrl), send, clock);
  }
}

type OAuth = Extract<HttpAuth, { type: 'oauth2-client-credentials' }>;

class ClientCredentials implements Authenticator {
  private token: { value: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly auth: OAuth,
    private readonly url: URL,
    private readonly send: Send,
    private readonly clock: Clock,
  ) {}

  async headers(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.current()}` };
  }

  renew(): boolean {
    this.token = undefined;
    return true;
  }

  private current(): Promise<string> {
    if (this.token && this.clock.now() < this.token.refreshAt) return Promise.resolve(this.token.value);
    // Concurrent requests share one token call.
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetch(): Promise<string> {
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    if (this.auth.scope) form.scope = this.auth.scope;
    if (this.auth.audience) form.audience = this.auth.audience;
    const headers: Record<string, string> = {};
    if (this.auth.clientAuthentication === 'basic') {
      headers.authorization = basic(encodeURIComponent(this.auth.clientId), encodeURIComponent(this.auth.clientSecret));
    } else {
      form.client_id = this.auth.clientId;
      form.client_secret = this.auth.clientSecret;
    }
    const res = await this.send({ method: 'POST', url: this.url, form, headers, op: 'POST oauth-token' });
    const body = res.body as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      const why = remoteMessage(res.body);
      throw new AuthError(
        `the token endpoint refused the client credentials of client "${this.auth.clientId}" (HTTP ${res.status}${why ? `: ${why}` : ''}); check clientId and clientSecret`,
        { status: res.status },
      );
    }
    if (res.status < 200 || res.status >= 300 || typeof body?.access_token !== 'string') {
      throw new ConnectorError(
        HTTP_ERRORS.tokenFailed,
        `the token endpoint answered HTTP ${res.status} without an access_token`,
        { status: res.status, retryable: res.status === 429 || res.status >= 500, writeOutcome: 'not-applied' },
      );
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? NaN);
    const ahead = (this.auth.refreshAheadSeconds ?? 60) * 1000;
    const refreshAt = Number.isFinite(expiresIn)
      ? this.clock.now() + Math.max(0, expiresIn * 1000 - ahead)
      : Number.POSITIVE_INFINITY; // no expiry given: kept until a 401
    this.token = { value: body.access_token, refreshAt };
    return body.access_token;
  }
}
