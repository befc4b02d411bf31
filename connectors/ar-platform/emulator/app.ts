/**
 * The AR-platform API as a Hono app (no Node server here: the kit's server runs it through http.ts,
 * and answers `GET /_emulator/counters` itself). Routes are in
 * routes/; everything under /v1 needs a bearer token from `POST /oauth/token`.
 */
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import { ApiFault } from './api-error.js';
import type { AppContext, ArApp, ArEnv } from './app-context.js';
import { customerRoutes } from './routes/customers.js';
import { creditLimitRoutes } from './routes/credit-limits.js';
import { deductionRoutes } from './routes/deductions.js';
import { invoiceRoutes } from './routes/invoices.js';
import { oauthRoutes } from './routes/oauth.js';
import { paymentRoutes } from './routes/payments.js';

export function buildApp(ctx: AppContext): ArApp {
  const app = new Hono<ArEnv>();
  app.onError((err, c) => {
    if (err instanceof ApiFault) return c.json(err.body(), err.httpStatus);
    return c.json({ error: { code: 'internal_error', message: err.message } }, 500);
  });
  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `no such endpoint: ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.use('*', async (c, next) => {
    await next();
    const route = routePath(c, -1);
    ctx.counters.count(`${c.req.method} ${route.endsWith('*') ? '<unmatched>' : route}`);
  });
  oauthRoutes(app, ctx);
  app.use('/v1/*', async (c, next) => {
    const check = ctx.tokens.check(c.req.header('authorization'));
    if (!check.ok) {
      const [code, message] =
        check.reason === 'expired'
          ? ['token_expired', 'the access token has expired; request a new one']
          : check.reason === 'invalid'
            ? ['invalid_token', 'the access token is not valid']
            : ['unauthorized', 'send Authorization: Bearer <token> from POST /oauth/token'];
      c.header('www-authenticate', `Bearer error="invalid_token", error_description="${message}"`);
      return c.json({ error: { code, message } }, 401);
    }
    await next();
  });
  customerRoutes(app, ctx);
  invoiceRoutes(app, ctx);
  paymentRoutes(app, ctx);
  deductionRoutes(app, ctx);
  creditLimitRoutes(app, ctx);
  return app;
}
