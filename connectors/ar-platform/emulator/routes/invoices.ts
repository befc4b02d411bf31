/**
 * Open invoices: `GET /v1/invoices`, `GET /v1/invoices/:erpDocumentId`, upsert
 * `PUT /v1/invoices/:erpDocumentId`, and `POST /v1/invoices/batch` (up to 100, each item answered on
 * its own: a bad item fails alone). The customer must exist; `openAmount` cannot exceed `amount`;
 * `status` defaults to `open` while something is open, else `closed`.
 */
import { ApiFault } from '../api-error.js';
import { filterBy, queryOf, readJson, type AppContext, type ArApp } from '../app-context.js';
import { bodyChecker, INVOICE_BODY } from '../bodies.js';
import type { ArInvoice } from '../model.js';
import { page, parsePageRequest } from '../paging.js';
import type { PutResult } from '../store.js';

interface InvoiceBody {
  erpDocumentId?: string;
  number: string;
  customerExternalId: string;
  currency: string;
  amount: number;
  openAmount: number;
  issueDate: string;
  dueDate: string;
  status?: ArInvoice['status'];
  customerReference?: string | null;
}

export const MAX_BATCH = 100;

export function invoiceRoutes(app: ArApp, ctx: AppContext): void {
  const check = bodyChecker<InvoiceBody>(INVOICE_BODY);

  const upsert = (erpDocumentId: string, raw: unknown): PutResult<ArInvoice> => {
    const body = check(raw);
    if (body.erpDocumentId !== undefined && body.erpDocumentId !== erpDocumentId)
      throw new ApiFault(422, 'validation_failed', 'erpDocumentId in the body differs from the one in the path', [
        { field: '/erpDocumentId', message: `must be ${erpDocumentId}` },
      ]);
    if (!ctx.store.get('customers', body.customerExternalId))
      throw new ApiFault(422, 'customer_not_found', `no customer with externalId ${body.customerExternalId}`, [
        { field: '/customerExternalId', message: 'upsert the customer first' },
      ]);
    if (Math.round(body.openAmount * 100) > Math.round(body.amount * 100))
      throw new ApiFault(
        422,
        'open_amount_exceeds_amount',
        `openAmount ${body.openAmount} exceeds amount ${body.amount}`,
        [{ field: '/openAmount', message: 'must not exceed amount' }],
      );
    const old = ctx.store.get('invoices', erpDocumentId);
    return ctx.store.put('invoices', {
      id: old?.id ?? ctx.store.newId('invoices'),
      erpDocumentId,
      number: body.number,
      customerExternalId: body.customerExternalId,
      currency: body.currency,
      amount: body.amount,
      openAmount: body.openAmount,
      issueDate: body.issueDate,
      dueDate: body.dueDate,
      status: body.status ?? (body.openAmount > 0 ? 'open' : 'closed'),
      customerReference: body.customerReference ?? null,
    });
  };

  const tell = (requestId: number, results: PutResult<ArInvoice>[]): void => {
    for (const action of ['create', 'update'] as const) {
      const ids = results
        .filter((r) => r.changed && r.created === (action === 'create'))
        .map((r) => r.record.erpDocumentId);
      if (ids.length > 0) ctx.events.emit({ type: 'committed', requestId, resource: 'invoices', ids, action });
    }
  };

  app.get('/v1/invoices', (c) => {
    const q = queryOf(c);
    const req = parsePageRequest(q);
    const items = filterBy(ctx.store.all('invoices'), q, ['status', 'customerExternalId']);
    const answer = page(items, (i) => i.erpDocumentId, req, new URL(c.req.url));
    return c.json(answer.body, 200, answer.headers);
  });

  app.get('/v1/invoices/:erpDocumentId', (c) => {
    const found = ctx.store.get('invoices', c.req.param('erpDocumentId'));
    if (!found)
      throw new ApiFault(404, 'invoice_not_found', `no invoice with erpDocumentId ${c.req.param('erpDocumentId')}`);
    return c.json(found);
  });

  app.put('/v1/invoices/:erpDocumentId', async (c) => {
    const result = upsert(c.req.param('erpDocumentId'), await readJson(c));
    tell(c.env.requestId, [result]);
    return c.json(result.record, result.created ? 201 : 200);
  });

  app.post('/v1/invoices/batch', async (c) => {
    const body = (await readJson(c)) as { items?: unknown };
    if (!Array.isArray(body?.items) || body.items.length === 0 || body.items.length > MAX_BATCH)
      throw new ApiFault(422, 'validation_failed', `items must be an array of 1 to ${MAX_BATCH} invoices`, [
        { field: '/items', message: `1 to ${MAX_BATCH} invoices` },
      ]);
    const done: PutResult<ArInvoice>[] = [];
    const results = (body.items as unknown[]).map((item, index) => {
      const id = (item as { erpDocumentId?: unknown } | null)?.erpDocumentId;
      if (typeof id !== 'string' || id === '')
        return { index, status: 422, error: { code: 'validation_failed', message: 'erpDocumentId is required' } };
      try {
        const r = upsert(id, item);
        done.push(r);
        return { index, erpDocumentId: id, status: r.created ? 201 : 200, id: r.record.id };
      } catch (err) {
        if (!(err instanceof ApiFault)) throw err;
        return { index, erpDocumentId: id, status: err.httpStatus, ...err.body() };
      }
    });
    tell(c.env.requestId, done);
    return c.json({ results });
  });
}
