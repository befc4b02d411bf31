/**
 * Reads a Concur token response leniently: `expires_in` as "3600" or 3600, `refresh_expires_in`
 * as absolute epoch seconds (number, string or absent), `token_type` in any case, `id_token` or
 * `idtoken` (ignored), `geolocation` as a base URL or a full token URL (the path is stripped).
 */
import { unexpected } from '../errors.js';
import { originOf } from '../config.js';

export interface TokenSet {
  accessToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  /** Epoch ms when it was issued (for the refresh-ahead window). */
  issuedAt: number;
  refreshToken: string | undefined;
  /** Epoch ms; undefined when the response did not say. */
  refreshExpiresAt: number | undefined;
  /** Origin every API call goes to. */
  geolocation: string;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

export function parseTokenResponse(body: unknown, fallbackGeolocation: string, now: number): TokenSet {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  const accessToken = b?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '')
    throw unexpected('token', 'the token response has no access_token');
  const tokenType = b?.token_type;
  if (tokenType !== undefined && String(tokenType).toLowerCase() !== 'bearer')
    throw unexpected('token', `unsupported token_type ${String(tokenType)}`);
  const expiresIn = num(b?.expires_in) ?? 3600;
  const refreshEpoch = num(b?.refresh_expires_in);
  let geolocation = fallbackGeolocation;
  if (typeof b?.geolocation === 'string' && b.geolocation !== '') {
    try {
      geolocation = originOf(b.geolocation);
    } catch (cause) {
      throw unexpected('token', 'the token response has an invalid geolocation', cause);
    }
  }
  return {
    accessToken,
    issuedAt: now,
    expiresAt: now + expiresIn * 1000,
    refreshToken: typeof b?.refresh_token === 'string' && b.refresh_token !== '' ? b.refresh_token : undefined,
    // Absolute epoch seconds; a small number would be a relative lifetime, read it as such.
    refreshExpiresAt:
      refreshEpoch === undefined ? undefined : refreshEpoch > 1e9 ? refreshEpoch * 1000 : now + refreshEpoch * 1000,
    geolocation,
  };
}
