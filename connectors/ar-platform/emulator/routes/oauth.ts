/**
 * `POST /oauth/token` (RFC 6749 §4.4, client credentials): the client authenticates with HTTP Basic or
 * `client_id` / `client_secret` in the form (or JSON) body; errors use the RFC's `{error,
 * error_description}` shape.
 */
import type { AppContext, ArApp } from '../app-context.js';

function basic(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
}

export function oauthRoutes(app: ArApp, ctx: AppContext): void {
  app.post('/oauth/token', async (c) => {
    const text = await c.req.text();
    const type = c.req.header('content-type') ?? '';
    let params: Record<string, string> = {};
    if (type.includes('application/json')) {
      try {
        params = JSON.parse(text) as Record<string, string>;
      } catch {
        return c.json({ error: 'invalid_request', error_description: 'the body is not JSON' }, 400);
      }
    } else params = Object.fromEntries(new URLSearchParams(text));
    if (params.grant_type !== 'client_credentials')
      return c.json(
        { error: 'unsupported_grant_type', error_description: 'only grant_type=client_credentials is supported' },
        400,
      );
    const fromHeader = basic(c.req.header('authorization'));
    const id = fromHeader?.id ?? params.client_id;
    const secret = fromHeader?.secret ?? params.client_secret;
    const client = id !== undefined && secret !== undefined ? ctx.tokens.authenticate(id, secret) : undefined;
    if (!client) {
      c.header('www-authenticate', 'Basic realm="ar-platform"');
      return c.json({ error: 'invalid_client', error_description: 'unknown client or wrong secret' }, 401);
    }
    const token = ctx.tokens.issue(client.clientId);
    ctx.counters.tokens += 1;
    ctx.events.emit({ type: 'token', requestId: c.env.requestId, clientId: client.clientId });
    c.header('cache-control', 'no-store');
    return c.json({
      access_token: token.accessToken,
      token_type: 'Bearer',
      expires_in: token.expiresIn,
      scope: token.scope,
    });
  });
}
