/** Recalculated credit limits per customer (read-only: the platform computes them). */
import { ApiFault } from '../api-error.js';
import { filterBy, queryOf, type AppContext, type ArApp } from '../app-context.js';
import { page, parsePageRequest } from '../paging.js';

export function creditLimitRoutes(app: ArApp, ctx: AppContext): void {
  app.get('/v1/credit-limits', (c) => {
    const q = queryOf(c);
    const req = parsePageRequest(q);
    const items = filterBy(ctx.store.all('creditLimits'), q, ['customerExternalId']);
    const answer = page(items, (i) => i.customerExternalId, req, new URL(c.req.url));
    return c.json(answer.body, 200, answer.headers);
  });

  app.get('/v1/customers/:externalId/credit-limit', (c) => {
    const found = ctx.store.get('creditLimits', c.req.param('externalId'));
    if (!found)
      throw new ApiFault(
        404,
        'credit_limit_not_calculated',
        `no credit limit calculated for customer ${c.req.param('externalId')}`,
      );
    return c.json(found);
  });
}
