/**
 * OAuth2 token bookkeeping: access tokens bound to a region and an expiry, refresh tokens that
 * rotate (the old one is revoked) and whose lifetime each refresh extends.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface TokenInfo {
  accessToken: string;
  region: string;
  companyUuid: string;
  clientId: string;
  expiresAt: number;
}

interface RefreshInfo {
  refreshToken: string;
  region: string;
  companyUuid: string;
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
  refreshExpiresAt: number;
}

export type AccessCheck =
  { ok: true; info: TokenInfo } | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'wrong-region' };

export type RefreshCheck =
  | { ok: true; info: RefreshInfo }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'wrong-region'; region?: string };

export class TokenRegistry {
  private readonly access = new Map<string, TokenInfo>();
  private readonly refresh = new Map<string, RefreshInfo>();
  /** Every access token ever issued, in order (tests inspect rotation). */
  readonly issued: string[] = [];

  constructor(
    private readonly ttl: () => { accessMs: number; refreshMs: number; rotate: boolean },
    private readonly now: () => number = Date.now,
  ) {}

  issue(region: string, companyUuid: string, clientId: string): IssuedTokens {
    const { accessMs, refreshMs } = this.ttl();
    const accessToken = newAccessToken();
    const refreshToken = randomUUID();
    const t = this.now();
    this.access.set(accessToken, { accessToken, region, companyUuid, clientId, expiresAt: t + accessMs });
    this.refresh.set(refreshToken, {
      refreshToken,
      region,
      companyUuid,
      clientId,
      expiresAt: t + refreshMs,
      revoked: false,
    });
    this.issued.push(accessToken);
    return { accessToken, refreshToken, accessExpiresAt: t + accessMs, refreshExpiresAt: t + refreshMs };
  }

  checkRefresh(refreshToken: string, region: string, clientId: string): RefreshCheck {
    const info = this.refresh.get(refreshToken);
    if (!info || info.clientId !== clientId) return { ok: false, reason: 'unknown' };
    if (info.revoked) return { ok: false, reason: 'revoked' };
    if (info.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    if (info.region !== region) return { ok: false, reason: 'wrong-region', region: info.region };
    return { ok: true, info };
  }

  /** A new access token; with rotation a new refresh token too (the old one is revoked). */
  refreshWith(info: RefreshInfo): IssuedTokens {
    const { accessMs, refreshMs, rotate } = this.ttl();
    const t = this.now();
    const accessToken = newAccessToken();
    this.access.set(accessToken, {
      accessToken,
      region: info.region,
      companyUuid: info.companyUuid,
      clientId: info.clientId,
      expiresAt: t + accessMs,
    });
    this.issued.push(accessToken);
    if (!rotate) {
      info.expiresAt = t + refreshMs;
      return {
        accessToken,
        refreshToken: info.refreshToken,
        accessExpiresAt: t + accessMs,
        refreshExpiresAt: info.expiresAt,
      };
    }
    info.revoked = true;
    const refreshToken = randomUUID();
    this.refresh.set(refreshToken, { ...info, refreshToken, expiresAt: t + refreshMs, revoked: false });
    return { accessToken, refreshToken, accessExpiresAt: t + accessMs, refreshExpiresAt: t + refreshMs };
  }

  checkAccess(authorization: string | undefined, region: string): AccessCheck {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return { ok: false, reason: 'missing' };
    const info = this.access.get(m[1]!);
    if (!info) return { ok: false, reason: 'unknown' };
    if (info.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    if (info.region !== region) return { ok: false, reason: 'wrong-region' };
    return { ok: true, info };
  }

  expire(accessToken: string): void {
    const info = this.access.get(accessToken);
    if (info) info.expiresAt = 0;
  }

  expireAllAccessTokens(): void {
    for (const info of this.access.values()) info.expiresAt = 0;
  }

  /** Revoke every refresh token (an integration that must re-onboard). */
  revokeAllRefreshTokens(): void {
    for (const info of this.refresh.values()) info.revoked = true;
  }

  activeRefreshTokens(): string[] {
    return [...this.refresh.values()].filter((r) => !r.revoked && r.expiresAt > this.now()).map((r) => r.refreshToken);
  }
}

/** Shaped like a JWT (three base64url parts) but opaque: clients must not parse it. */
function newAccessToken(): string {
  const part = (n: number): string => randomBytes(n).toString('base64url');
  return `${part(24)}.${part(48)}.${part(32)}`;
}
