/**
 * The company token of one connection. The first exchange is the password grant with
 * `credtype=authtoken`; after that the refresh_token grant, against the stored geolocation. Tokens
 * are refreshed ahead of expiry and on demand (a 401/403), with one refresh in flight at a time;
 * every rotated refresh token is stored with its geolocation before it is used.
 */
import { AuthError, type SluiceError } from '../../../engine/errors.js';
import { systemClock, type Clock } from '../../../engine/runtime/clock.js';
import type { HttpClient, HttpResponse } from '../../../engine/runtime/http.js';
import type { Logger } from '../../../engine/runtime/logger.js';
import { withRetry } from '../../../engine/runtime/retry.js';
import { originOf, type ResolvedConfig } from '../config.js';
import { httpError, oauthError } from '../errors.js';
import { seedFingerprint, type CredentialStore, type StoredCredential, type Versioned } from './credential-store.js';
import { parseTokenResponse, type TokenSet } from './token-response.js';

export const TOKEN_PATH = '/oauth2/v0/token';
const OP = 'POST oauth2/v0/token';

export interface SessionDeps {
  http: HttpClient;
  config: ResolvedConfig;
  store: CredentialStore;
  logger: Logger;
  /** Whose "now" token lifetimes and the refresh-ahead window are measured on (default the system clock). */
  clock?: Clock;
  signal?: AbortSignal;
}

function isRejectedRefresh(err: unknown): boolean {
  return err instanceof AuthError && (err.remoteCode === '108' || err.remoteCode === '5');
}

export class TokenSession {
  private current: TokenSet | undefined;
  private inflight: Promise<TokenSet> | undefined;
  private readonly clock: Clock;
  /** Token grants performed by this session (tests and logs). */
  grants = 0;

  constructor(private readonly deps: SessionDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** A valid token; refreshes when it is within the refresh-ahead window. */
  async token(): Promise<TokenSet> {
    const c = this.current;
    if (c && this.clock.now() < this.refreshAt(c)) return c;
    return this.refresh();
  }

  /** The remote refused `accessToken`: refresh, unless another caller already replaced it. */
  async invalidate(accessToken: string): Promise<TokenSet> {
    if (this.current && this.current.accessToken !== accessToken) return this.token();
    if (this.current?.accessToken === accessToken) this.current = undefined;
    return this.refresh();
  }

  private refreshAt(c: TokenSet): number {
    const lifetime = c.expiresAt - c.issuedAt;
    return c.expiresAt - Math.min(this.deps.config.refreshAheadMs, lifetime / 2);
  }

  private refresh(): Promise<TokenSet> {
    if (!this.inflight) {
      this.inflight = this.obtain()
        .then((ts) => {
          this.current = ts;
          return ts;
        })
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return this.inflight;
  }

  private async obtain(): Promise<TokenSet> {
    const { store, config, logger } = this.deps;
    const seed = seedFingerprint(config);
    const stored = await store.load();
    if (!stored || stored.value.seed !== seed) return this.fromSeed(stored);
    try {
      return await this.refreshFrom(stored);
    } catch (err) {
      if (!isRejectedRefresh(err)) throw err;
      const again = await store.load();
      if (again && again.version !== stored.version && again.value.seed === seed) {
        // A parallel process rotated the token meanwhile: continue from its newer one.
        return this.refreshFrom(again);
      }
      if (!config.requestToken) throw err;
      logger.warn(
        { store: store.name },
        'concur: the stored refresh token was rejected; exchanging the request token again',
      );
      return this.fromSeed(again ?? stored);
    }
  }

  private async refreshFrom(entry: Versioned<StoredCredential>): Promise<TokenSet> {
    const ts = await this.grant(entry.value.geolocation, {
      grant_type: 'refresh_token',
      refresh_token: entry.value.refreshToken,
    });
    await this.persist(ts, entry.version, entry.value.refreshToken);
    return ts;
  }

  private async fromSeed(existing: Versioned<StoredCredential> | undefined): Promise<TokenSet> {
    const { config } = this.deps;
    let ts: TokenSet;
    if (config.requestToken && config.companyUuid) {
      ts = await this.grant(config.authBase, {
        grant_type: 'password',
        credtype: 'authtoken',
        username: config.companyUuid,
        password: config.requestToken,
      });
    } else if (config.refreshToken) {
      ts = await this.grant(config.seedGeolocation, {
        grant_type: 'refresh_token',
        refresh_token: config.refreshToken,
      });
    } else {
      throw new AuthError('concur: no credential to start from: set companyUuid + requestToken, or refreshToken');
    }
    await this.persist(ts, existing?.version ?? 0, config.refreshToken);
    return ts;
  }

  private async persist(
    ts: TokenSet,
    expectedVersion: number,
    previousRefreshToken: string | undefined,
  ): Promise<void> {
    const refreshToken = ts.refreshToken ?? previousRefreshToken;
    if (!refreshToken) {
      this.deps.logger.warn(
        { store: this.deps.store.name },
        'concur: the token response carried no refresh token; nothing to store',
      );
      return;
    }
    const value: StoredCredential = {
      refreshToken,
      geolocation: ts.geolocation,
      ...(ts.refreshExpiresAt !== undefined && { refreshExpiresAt: ts.refreshExpiresAt }),
      seed: seedFingerprint(this.deps.config),
      updatedAt: new Date(this.clock.now()).toISOString(),
    };
    const outcome = await this.deps.store.save(value, expectedVersion);
    if (outcome === 'overwrote')
      this.deps.logger.warn(
        { store: this.deps.store.name },
        'concur: another process stored a credential meanwhile; kept the newest one issued to this process',
      );
  }

  /** One grant; OAuth error 16 ("user lives elsewhere") is followed once to the geolocation it names. */
  private async grant(base: string, form: Record<string, string>): Promise<TokenSet> {
    this.grants += 1;
    let res = await this.post(base, form);
    let usedBase = base;
    if (res.status !== 200 && codeOf(res) === 16 && typeof geolocationOf(res) === 'string') {
      usedBase = originOf(geolocationOf(res)!);
      this.deps.logger.info(
        { from: base, to: usedBase },
        'concur: the company lives in another data center; retrying the token request there',
      );
      res = await this.post(usedBase, form);
    }
    if (res.status !== 200) throw oauthError(OP, res);
    return parseTokenResponse(res.body, usedBase, this.clock.now());
  }

  /** POST to the token endpoint, retrying what a retry can fix (429, 5xx, network). */
  private post(base: string, form: Record<string, string>): Promise<HttpResponse> {
    const { http, config, signal } = this.deps;
    return withRetry(
      async () => {
        const res = await http.request({
          method: 'POST',
          url: `${base}${TOKEN_PATH}`,
          form: { client_id: config.clientId, client_secret: config.clientSecret, ...form },
          op: OP,
          timeoutMs: config.timeoutMs,
        });
        if (res.status === 429 || res.status >= 500) throw httpError('oauth', OP, res) as SluiceError;
        return res;
      },
      config.retry,
      signal ? { signal } : {},
    );
  }
}

function codeOf(res: HttpResponse): number | undefined {
  const b = res.body as { code?: unknown } | undefined;
  const n = Number(b?.code);
  return Number.isFinite(n) ? n : undefined;
}

function geolocationOf(res: HttpResponse): string | undefined {
  const g = (res.body as { geolocation?: unknown } | undefined)?.geolocation;
  return typeof g === 'string' && g !== '' ? g : undefined;
}
