/**
 * Deductions (short-pays): list and read, the reason codes, and the approval decision
 * (`POST /v1/deductions/:id/approve` | `/reject`, body `{ "note"? }`). Deciding again the same way
 * answers 200 and changes nothing; the opposite decision is 409 `deduction_already_decided`.
 */
import { ApiFault } from '../api-error.js';
import { filterBy, parseJson, queryOf, type AppContext, type ArApp } from '../app-context.js';
import { bodyChecker, DECISION_BODY } from '../bodies.js';
import { DEDUCTION_REASON_CODES, type ArDeduction } from '../model.js';
import { page, parsePageRequest } from '../paging.js';

export function deductionRoutes(app: ArApp, ctx: AppContext): void {
  const check = bodyChecker<{ note?: string | null }>(DECISION_BODY);

  app.get('/v1/deduction-reason-codes', (c) =>
    c.json({ data: Object.entries(DEDUCTION_REASON_CODES).map(([code, description]) => ({ code, description })) }),
  );

  app.get('/v1/deductions', (c) => {
    const q = queryOf(c);
    const req = parsePageRequest(q);
    const items = filterBy(ctx.store.all('deductions'), q, ['status', 'reasonCode', 'customerExternalId']);
    const answer = page(items, (i) => i.id, req, new URL(c.req.url));
    return c.json(answer.body, 200, answer.headers);
  });

  app.get('/v1/deductions/:id', (c) => {
    const found = ctx.store.get('deductions', c.req.param('id'));
    if (!found) throw new ApiFault(404, 'deduction_not_found', `no deduction ${c.req.param('id')}`);
    return c.json(found);
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/v1/deductions/:id/${decision}`, async (c) => {
      const id = c.req.param('id');
      const text = await c.req.text();
      const body = text.trim() === '' ? {} : check(parseJson(text));
      const found = ctx.store.get('deductions', id);
      if (!found) throw new ApiFault(404, 'deduction_not_found', `no deduction ${id}`);
      const status: ArDeduction['status'] = decision === 'approve' ? 'approved' : 'rejected';
      if (found.status === status) return c.json(found);
      if (found.status !== 'open')
        throw new ApiFault(409, 'deduction_already_decided', `deduction ${id} is already ${found.status}`);
      const { createdAt: _c, updatedAt: _u, ...rest } = found;
      const { record } = ctx.store.put('deductions', {
        ...rest,
        status,
        approvedAt: status === 'approved' ? ctx.store.now() : null,
        note: body.note ?? found.note,
      });
      ctx.events.emit({
        type: 'committed',
        requestId: c.env.requestId,
        resource: 'deductions',
        ids: [id],
        action: decision,
      });
      return c.json(record);
    });
  }
}
