/** Customers: `GET /v1/customers`, `GET /v1/customers/:externalId`, upsert `PUT /v1/customers/:externalId`. */
import { ApiFault } from '../api-error.js';
import { filterBy, queryOf, readJson, type AppContext, type ArApp } from '../app-context.js';
import { bodyChecker, CUSTOMER_BODY } from '../bodies.js';
import type { ArCustomer } from '../model.js';
import { page, parsePageRequest } from '../paging.js';

interface CustomerBody {
  externalId?: string;
  name: string;
  currency: string;
  email?: string | null;
  country?: string | null;
  status?: ArCustomer['status'];
}

export function customerRoutes(app: ArApp, ctx: AppContext): void {
  const check = bodyChecker<CustomerBody>(CUSTOMER_BODY);

  app.get('/v1/customers', (c) => {
    const q = queryOf(c);
    const req = parsePageRequest(q);
    const items = filterBy(ctx.store.all('customers'), q, ['status']);
    const answer = page(items, (i) => i.externalId, req, new URL(c.req.url));
    return c.json(answer.body, 200, answer.headers);
  });

  app.get('/v1/customers/:externalId', (c) => {
    const found = ctx.store.get('customers', c.req.param('externalId'));
    if (!found)
      throw new ApiFault(404, 'customer_not_found', `no customer with externalId ${c.req.param('externalId')}`);
    return c.json(found);
  });

  app.put('/v1/customers/:externalId', async (c) => {
    const externalId = c.req.param('externalId');
    const body = check(await readJson(c));
    if (body.externalId !== undefined && body.externalId !== externalId)
      throw new ApiFault(422, 'validation_failed', 'externalId in the body differs from the one in the path', [
        { field: '/externalId', message: `must be ${externalId}` },
      ]);
    const old = ctx.store.get('customers', externalId);
    const { record, created, changed } = ctx.store.put('customers', {
      id: old?.id ?? ctx.store.newId('customers'),
      externalId,
      name: body.name,
      currency: body.currency,
      email: body.email ?? null,
      country: body.country ?? null,
      status: body.status ?? 'active',
    });
    if (changed)
      ctx.events.emit({
        type: 'committed',
        requestId: c.env.requestId,
        resource: 'customers',
        ids: [externalId],
        action: created ? 'create' : 'update',
      });
    return c.json(record, created ? 201 : 200);
  });
}
