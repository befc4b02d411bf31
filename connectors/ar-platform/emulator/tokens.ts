/**
 * OAuth2 client credentials: `POST /oauth/token` issues a bearer token that lives `ttlSeconds` on the
 * emulator clock; an expired, revoked or unknown token gets 401 (`token_expired` / `invalid_token`).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../engine/runtime/clock.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  scope: string;
}

export type TokenCheck = { ok: true; clientId: string } | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

export class TokenRegistry {
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  /** Tokens issued so far. */
  issued = 0;

  constructor(
    private readonly clients: readonly ClientCredentials[],
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {}

  /** The client the id and secret identify, or undefined. */
  authenticate(clientId: string, clientSecret: string): ClientCredentials | undefined {
    return this.clients.find((c) => c.clientId === clientId && c.clientSecret === clientSecret);
  }

  issue(clientId: string): IssuedToken {
    const accessToken = `at_${randomBytes(24).toString('base64url')}`;
    this.tokens.set(accessToken, { clientId, expiresAt: this.clock.now() + this.ttlSeconds * 1000 });
    this.issued += 1;
    return { accessToken, expiresIn: this.ttlSeconds, scope: 'ar.read ar.write' };
  }

  check(authorization: string | undefined): TokenCheck {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return { ok: false, reason: 'missing' };
    const t = this.tokens.get(m[1] as string);
    if (!t) return { ok: false, reason: 'invalid' };
    if (this.clock.now() >= t.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, clientId: t.clientId };
  }

  /** Ends the token an `Authorization` header carries now (the `expire-token` fault). */
  expire(authorization: string | undefined): void {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const t = m ? this.tokens.get(m[1] as string) : undefined;
    if (t) t.expiresAt = Math.min(t.expiresAt, this.clock.now());
  }
}
