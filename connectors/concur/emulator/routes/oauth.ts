/**
 * `POST /oauth2/v0/token`: the company-level password grant (`credtype=authtoken`) and the
 * refresh_token grant, with Concur's numbered OAuth errors. A grant sent to the wrong data center
 * answers code 16 with the `geolocation` to use.
 */
import { oauthError, type OAuthErrorBody } from '../error-bodies.js';
import type { EmuContext, EmuRequest, EmuResponse, RouteDef } from '../router.js';
import type { IssuedTokens } from '../tokens.js';

export const OAUTH_SCOPE =
  'EXPRPT INVPMT INVVEN LIST FISVC spend.list.read spend.list.write spend.listitem.read spend.listitem.write user.provision.read user.provision.write identity.user.core.read identity.user.enterprise.read identity.user.coreenterprise.writeonly spend.user.general.read spend.user.general.writeonly';

function fail(
  status: number,
  code: number,
  error: OAuthErrorBody['error'],
  description: string,
  geolocation?: string,
): EmuResponse {
  return oauthError(status, { code, error, error_description: description, ...(geolocation && { geolocation }) });
}

function geolocationOf(ctx: EmuContext, region: string): string {
  const origin = ctx.regionOrigin(region);
  return ctx.options.geolocationStyle === 'token-url' ? `${origin}/oauth2/v0/token` : origin;
}

function tokenResponse(ctx: EmuContext, region: string, t: IssuedTokens): EmuResponse {
  const o = ctx.options;
  const expiresIn = o.accessTokenTtlSeconds;
  const refreshEpoch = Math.floor(t.refreshExpiresAt / 1000);
  return {
    status: 200,
    body: {
      expires_in: o.expiresInAs === 'string' ? String(expiresIn) : expiresIn,
      scope: OAUTH_SCOPE,
      token_type: 'Bearer',
      access_token: t.accessToken,
      refresh_token: t.refreshToken,
      ...(o.refreshExpiresInAs === 'number' && { refresh_expires_in: refreshEpoch }),
      ...(o.refreshExpiresInAs === 'string' && { refresh_expires_in: String(refreshEpoch) }),
      id_token: `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ 'concur.type': 'company', sub: ctx.state.company.companyUuid })).toString('base64url')}.`,
      geolocation: geolocationOf(ctx, region),
    },
  };
}

function token(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const ct = String(req.headers['content-type'] ?? '');
  if (!ct.includes('application/x-www-form-urlencoded') || typeof req.body !== 'object' || req.body === null) {
    return fail(400, 65, 'invalid_request', 'the token request must be application/x-www-form-urlencoded');
  }
  const f = req.body as Record<string, string | undefined>;
  const company = ctx.state.company;
  if (!f.client_id) return fail(400, 62, 'invalid_request', 'client_id is missing');
  const client = company.clients.find((c) => c.clientId === f.client_id);
  if (!client) return fail(401, 61, 'invalid_client', 'client not found');
  if (!f.client_secret) return fail(400, 63, 'invalid_request', 'client_secret is missing');
  if (f.client_secret !== client.clientSecret) return fail(401, 64, 'invalid_client', 'invalid client secret');
  if (!f.grant_type) return fail(400, 65, 'invalid_request', 'grant_type is missing');

  if (f.grant_type === 'password') {
    const credtype = f.credtype ?? 'password';
    if (credtype !== 'authtoken')
      return fail(400, 120, 'invalid_request', `credtype ${credtype} is not supported by this emulator`);
    if (f.username !== company.companyUuid || !f.password || !company.requestTokens.includes(f.password)) {
      return fail(400, 5, 'invalid_grant', 'incorrect credentials');
    }
    if (req.region !== ctx.options.companyRegion) {
      return fail(400, 16, 'invalid_request', 'user lives elsewhere', geolocationOf(ctx, ctx.options.companyRegion));
    }
    return tokenResponse(ctx, req.region, ctx.tokens.issue(req.region, company.companyUuid, client.clientId));
  }

  if (f.grant_type === 'refresh_token') {
    if (!f.refresh_token) return fail(400, 106, 'invalid_request', 'refresh_token is missing');
    const check = ctx.tokens.checkRefresh(f.refresh_token, req.region, client.clientId);
    if (!check.ok) {
      if (check.reason === 'wrong-region') {
        return fail(
          400,
          16,
          'invalid_request',
          'user lives elsewhere',
          geolocationOf(ctx, check.region ?? ctx.options.companyRegion),
        );
      }
      return fail(400, 108, 'invalid_grant', `refresh token ${check.reason === 'unknown' ? 'invalid' : check.reason}`);
    }
    return tokenResponse(ctx, req.region, ctx.tokens.refreshWith(check.info));
  }

  return fail(400, 65, 'invalid_request', `grant_type ${f.grant_type} is not supported by this emulator`);
}

export const oauthRoutes: RouteDef[] = [
  { method: 'POST', path: '/oauth2/v0/token', family: 'oauth', auth: false, handler: token },
];
