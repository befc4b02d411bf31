/**
 * Service Layer sessions. One login per run at most, lazily; the session (id, route, timeout,
 * last use) is kept encrypted in the state store and reused by the next run while it is inside its
 * idle timeout. Logins are serialised (parallel logins fail on real servers); an expired session is
 * replaced by exactly one new login however many requests noticed it.
 */
import { createHash } from 'node:crypto';
import type { CredentialVault } from '../../engine/connector/types.js';
import { AuthError, ConnectorError } from '../../engine/errors.js';
import { systemClock, type Clock } from '../../engine/runtime/clock.js';
import type { Logger } from '../../engine/runtime/logger.js';
import { withRetry, type RetryPolicy } from '../../engine/runtime/retry.js';
import type { ResolvedConfig } from './config.js';
import { cookieHeader, parseSessionCookies } from './cookies.js';
import { SAP_B1_ERRORS, serviceLayerError } from './errors.js';
import type { Transport } from './transport.js';

export interface Session {
  sessionId: string;
  routeId: string | undefined;
  /** Idle timeout the Login response reported. */
  timeoutMs: number;
  lastUsedAt: number;
}

/** What the vault keeps: the session and what it belongs to. */
interface StoredSession extends Session {
  serviceUrl: string;
  version: string;
  companyDb: string;
  username: string;
  /** Hash of the credentials the session was opened with: a changed password means a new login. */
  fingerprint: string;
}

function fingerprintOf(config: ResolvedConfig): string {
  return createHash('sha256')
    .update([config.serviceUrl, config.version, config.companyDb, config.username, config.password].join('\n'))
    .digest('hex');
}

export interface SessionManagerOptions {
  config: ResolvedConfig;
  transport: Transport;
  vault: CredentialVault;
  logger: Logger;
  retry: RetryPolicy;
  /** Whose "now" idle timeouts are measured on (default the system clock). */
  clock?: Clock;
}

export function sessionCookie(s: Session): string {
  return cookieHeader(s.sessionId, s.routeId);
}

export class SessionManager {
  private current: Session | undefined;
  private pending: Promise<Session> | undefined;
  private lastStoredAt = 0;
  /** Logins made by this manager. */
  logins = 0;
  private readonly clock: Clock;
  readonly vaultName: string;

  constructor(private readonly o: SessionManagerOptions) {
    this.clock = o.clock ?? systemClock;
    this.vaultName = `sap-b1-session:${o.config.companyDb}:${o.config.username}`;
  }

  /** The session to use: the current one, a stored one still inside its timeout, or a new login. */
  async get(): Promise<Session> {
    if (this.current) return this.current;
    return this.single(() => this.obtain());
  }

  /** The session `stale` was rejected (401): log in again, once for all callers that saw it. */
  async renew(stale: Session): Promise<Session> {
    if (this.current && this.current !== stale) return this.current;
    if (this.pending) return this.pending;
    this.current = undefined;
    return this.single(() => this.login());
  }

  /** Records a use (the server's idle timer restarted); stores it now and then. */
  async touched(s: Session): Promise<void> {
    s.lastUsedAt = this.clock.now();
    if (s === this.current && s.lastUsedAt - this.lastStoredAt >= Math.min(60_000, s.timeoutMs / 4))
      await this.store(s);
  }

  /** End of the connection: log out (and forget the session) or store its last use for the next run. */
  async close(logout: boolean): Promise<void> {
    const s = this.current;
    this.current = undefined;
    if (!s) return;
    if (!logout) {
      await this.store(s);
      return;
    }
    try {
      const res = await this.o.transport.send({
        method: 'POST',
        url: `${this.o.config.root}/Logout`,
        headers: { cookie: sessionCookie(s) },
        op: 'POST Logout',
      });
      if (res.status !== 204 && res.status !== 200)
        this.o.logger.warn({ status: res.status }, 'sap-b1: Logout was not accepted');
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'sap-b1: Logout failed');
    }
    await this.forget();
  }

  private async single(fn: () => Promise<Session>): Promise<Session> {
    this.pending ??= fn().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async obtain(): Promise<Session> {
    const stored = this.o.config.reuseSession ? await this.load() : undefined;
    if (stored) {
      this.o.logger.debug({}, 'sap-b1: reusing the stored session');
      this.current = stored;
      this.lastStoredAt = stored.lastUsedAt;
      return stored;
    }
    return this.login();
  }

  private async login(): Promise<Session> {
    const { config, transport, logger } = this.o;
    const body: Record<string, string> = {
      CompanyDB: config.companyDb,
      UserName: config.username,
      Password: config.password,
    };
    if (config.language !== undefined) body.Language = config.language;
    const session = await withRetry(
      async () => {
        const res = await transport.send({ method: 'POST', url: `${config.root}/Login`, json: body, op: 'POST Login' });
        if (res.status !== 200)
          throw serviceLayerError('POST Login', res.status, res.body, res.rawBody, res.retryAfterMs);
        const cookies = parseSessionCookies(res.headers['set-cookie']);
        const answer = (res.body ?? {}) as { SessionId?: unknown; SessionTimeout?: unknown };
        const sessionId = cookies.sessionId ?? (typeof answer.SessionId === 'string' ? answer.SessionId : undefined);
        if (sessionId === undefined || sessionId === '') {
          throw new ConnectorError(
            SAP_B1_ERRORS.unexpected,
            'POST Login: the answer carries no B1SESSION cookie or SessionId',
          );
        }
        const minutes =
          typeof answer.SessionTimeout === 'number' && answer.SessionTimeout > 0 ? answer.SessionTimeout : 30;
        return { sessionId, routeId: cookies.routeId, timeoutMs: minutes * 60_000, lastUsedAt: this.clock.now() };
      },
      this.o.retry,
      {
        onRetry: (err, attempt, delayMs) =>
          logger.warn({ attempt, delayMs, code: err.code }, `sap-b1: login failed, retrying: ${err.message}`),
      },
    );
    this.logins += 1;
    logger.info({ companyDb: config.companyDb }, 'sap-b1: logged in to the Service Layer');
    this.current = session;
    await this.store(session);
    return session;
  }

  private async load(): Promise<Session | undefined> {
    let entry: { value: StoredSession } | undefined;
    try {
      entry = await this.o.vault.get<StoredSession>(this.vaultName);
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'sap-b1: cannot read the stored session; logging in');
      return undefined;
    }
    const s = entry?.value;
    const { config } = this.o;
    if (!s || s.fingerprint !== fingerprintOf(config)) return undefined;
    // Leave a margin: the server's clock of the last use may be a little later than ours.
    const margin = Math.min(60_000, s.timeoutMs * 0.1);
    if (this.clock.now() - s.lastUsedAt >= s.timeoutMs - margin) return undefined;
    return { sessionId: s.sessionId, routeId: s.routeId, timeoutMs: s.timeoutMs, lastUsedAt: s.lastUsedAt };
  }

  private async store(s: Session): Promise<void> {
    if (!this.o.config.reuseSession) return;
    const { config } = this.o;
    const value: StoredSession = {
      ...s,
      serviceUrl: config.serviceUrl,
      version: config.version,
      companyDb: config.companyDb,
      username: config.username,
      fingerprint: fingerprintOf(config),
    };
    try {
      await this.o.vault.put(this.vaultName, value);
      this.lastStoredAt = s.lastUsedAt;
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'sap-b1: cannot store the session for reuse');
    }
  }

  private async forget(): Promise<void> {
    try {
      await this.o.vault.delete(this.vaultName);
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'sap-b1: cannot delete the stored session');
    }
  }

  /** A 401 right after a fresh login: the user may not use the Service Layer or this company. */
  static rejectedAfterLogin(op: string): AuthError {
    return new AuthError(`${op}: the Service Layer rejected a session it had just created`);
  }
}
