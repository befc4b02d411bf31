/** Payments with remittance lines (read-only here: the platform receives them from banks). */
import { ApiFault } from '../api-error.js';
import { filterBy, queryOf, type AppContext, type ArApp } from '../app-context.js';
import { page, parsePageRequest } from '../paging.js';

export function paymentRoutes(app: ArApp, ctx: AppContext): void {
  app.get('/v1/payments', (c) => {
    const q = queryOf(c);
    const req = parsePageRequest(q);
    const items = filterBy(ctx.store.all('payments'), q, ['status', 'customerExternalId', 'currency']);
    const answer = page(items, (i) => i.id, req, new URL(c.req.url));
    return c.json(answer.body, 200, answer.headers);
  });

  app.get('/v1/payments/:id', (c) => {
    const found = ctx.store.get('payments', c.req.param('id'));
    if (!found) throw new ApiFault(404, 'payment_not_found', `no payment ${c.req.param('id')}`);
    return c.json(found);
  });
}
