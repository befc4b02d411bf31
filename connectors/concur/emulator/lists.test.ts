import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConcurEmulator, type ConcurEmulator } from './index.js';
import { DEFAULT_SPEC_DIR } from './spec/validator.js';
import { api, companyToken } from './test-client.js';

let emu: ConcurEmulator;
let token: string;
let projects: string;
let costCenters: string;

beforeAll(async () => {
  emu = await startConcurEmulator({
    seed: (state) => {
      const list = state.listByName('Projects')!;
      for (let i = 0; i < 230; i++) {
        const code = `X${String(i).padStart(4, '0')}`;
        state.listItems.set(`seed-${i}`, {
          id: `seed-${i}`,
          listId: list.id,
          code,
          shortCode: code,
          value: `Seeded ${i}`,
          level: 1,
          isDeleted: false,
        });
      }
    },
  });
  token = (await companyToken(emu)).access;
  projects = emu.state.listByName('Projects')!.id;
  costCenters = emu.state.listByName('Cost Centers')!.id;
});
afterAll(async () => {
  await emu.close();
});

describe('concur emulator: List v4', () => {
  it('answers each list with its category as {id, type}, as the docs do: the spec requires a category value it never defines', async () => {
    const res = await api(emu, token, 'GET', '/list/v4/lists');
    expect(res.body.content.length).toBeGreaterThan(0);
    for (const l of res.body.content as { category: Record<string, unknown> }[])
      expect(Object.keys(l.category).sort()).toEqual(['id', 'type']);
    // List.swagger2.json: ListCategory `required: ["value"]` but only `id` and `type` as properties; the
    // docs' schema table and every example have {id, type} only, so `value` is the spec's typo (issue 9)
    const spec = JSON.parse(readFileSync(join(DEFAULT_SPEC_DIR, 'v4-0/List.swagger2.json'), 'utf8')) as {
      definitions: { ListCategory: { required: string[]; properties: Record<string, unknown> } };
    };
    expect(spec.definitions.ListCategory.required).toEqual(['value']);
    expect(Object.keys(spec.definitions.ListCategory.properties)).toEqual(['id', 'type']);
  });

  it('pages top-level items 100 at a time with 1-based page numbers', async () => {
    const p1 = await api(emu, token, 'GET', `/list/v4/lists/${projects}/children?page=1`);
    expect(p1.body.content).toHaveLength(100);
    expect(p1.body.page).toEqual({ size: 100, totalElements: 250, totalPages: 3, number: 1 });
    const p3 = await api(emu, token, 'GET', `/list/v4/lists/${projects}/children?page=3`);
    expect(p3.body.content).toHaveLength(50);
    expect(p3.body.links.map((l: { rel: string }) => l.rel)).toEqual(['self']);
  });

  it('serves the hierarchy: divisions at level 1, cost centers as children with long codes', async () => {
    const top = await api(emu, token, 'GET', `/list/v4/lists/${costCenters}/children`);
    const sales = top.body.content.find((i: { code: string }) => i.code === 'SALES');
    expect(sales.lists[0].hasChildren).toBe(true);
    const kids = await api(emu, token, 'GET', `/list/v4/lists/${costCenters}/items/${sales.id}/children`);
    expect(kids.body.content.map((i: { code: string }) => i.code)).toEqual(['SALES-CC100', 'SALES-CC110']);
    expect(kids.body.content[0]).toMatchObject({ shortCode: 'CC100', level: 2, parentId: sales.id });
  });

  it('creates items in bulk, answers 206 for a partial failure with one error per failed part', async () => {
    const res = await api(emu, token, 'POST', `/list/v4/lists/${costCenters}/bulk`, {
      requests: [
        { shortCode: 'CC120', value: 'Key Accounts', parentCode: 'SALES' },
        { shortCode: 'CC100', value: 'Duplicate', parentCode: 'SALES' },
        { shortCode: 'CC900', value: 'Orphan', parentCode: 'NOPE' },
        { shortCode: 'A-B', value: 'Hyphen' },
      ],
    });
    expect(res.status).toBe(206);
    expect(res.body).toMatchObject({ status: 'PARTIAL_SUCCESS', recordsSucceeded: 1, recordsFailed: 3 });
    expect(res.body.errors.map((e: { id: string }) => e.id)).toEqual([
      'item.duplicate.code',
      'item.parent.not.found',
      'item.invalid.code',
    ]);
    expect(res.body.errors[0].listItem).toEqual({ shortCode: 'CC100', value: 'Duplicate', parentCode: 'SALES' });
    expect(emu.state.itemByCode(costCenters, 'SALES-CC120')?.value).toBe('Key Accounts');
  });

  it('updates and deletes by long code; a deleted item blocks re-creation until undeleted', async () => {
    const patch = await api(emu, token, 'PATCH', `/list/v4/lists/${costCenters}/bulk`, {
      requests: [
        { code: 'SALES-CC120', value: 'Key Accounts East' },
        { code: 'SALES-CC120', deleted: true },
      ],
    });
    expect(patch.status).toBe(200);
    expect(emu.state.itemByCode(costCenters, 'SALES-CC120')).toMatchObject({
      value: 'Key Accounts East',
      isDeleted: true,
    });
    const again = await api(emu, token, 'POST', `/list/v4/lists/${costCenters}/bulk`, {
      requests: [{ shortCode: 'CC120', value: 'x', parentCode: 'SALES' }],
    });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ status: 'FAILURE', errors: [{ id: 'item.duplicate.code.deleted' }] });
    const undelete = await api(emu, token, 'PATCH', `/list/v4/lists/${costCenters}/bulk`, {
      requests: [{ code: 'SALES-CC120', deleted: false, value: 'Back' }],
    });
    expect(undelete.status).toBe(200);
    expect(emu.state.itemByCode(costCenters, 'SALES-CC120')).toMatchObject({ value: 'Back', isDeleted: false });
  });

  it('rejects more than 250 parts with a validation error', async () => {
    const requests = Array.from({ length: 251 }, (_, i) => ({ shortCode: `Z${i}`, value: `Z ${i}` }));
    const res = await api(emu, token, 'POST', `/list/v4/lists/${projects}/bulk`, { requests });
    expect(res.status).toBe(400);
    expect(res.body.validationErrors[0].message).toBe('size must be between 1 and 250');
    expect(res.body.httpStatus).toBe('400 - Bad Request');
  });

  it('counts requests per route template', () => {
    const counters = emu.counters();
    expect(counters['GET /list/v4/lists/:listId/children']).toBeGreaterThanOrEqual(3);
    expect(emu.count({ method: 'POST', path: '/list/v4/lists/:listId/bulk' })).toBe(3);
    expect(emu.count({ method: 'PATCH', path: '/list/v4/lists/:listId/bulk' })).toBe(2);
  });
});

describe('concur emulator: fault injection', () => {
  it('answers the documented list 429 with retry-after 0, then recovers', async () => {
    const fault = emu.faults.add({ path: /\/list\/v4\/lists\/[^/]+\/children/, kind: '429', times: 2 });
    const first = await api(emu, token, 'GET', `/list/v4/lists/${projects}/children`);
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('0');
    expect(first.body).toMatchObject({
      httpStatus: '429 - Too Many Requests',
      error: { id: 'security.rate.limit.reached', message: 'Too many requests' },
    });
    expect((await api(emu, token, 'GET', `/list/v4/lists/${projects}/children`)).status).toBe(429);
    expect((await api(emu, token, 'GET', `/list/v4/lists/${projects}/children`)).status).toBe(200);
    expect(fault.hits).toBe(2);
  });

  it('injects 5xx with the family error body and a Retry-After when asked', async () => {
    emu.faults.add({ path: '/api/v3.0/expense/reports', kind: '503', retryAfterSeconds: 2 });
    const res = await api(emu, token, 'GET', '/api/v3.0/expense/reports?user=ALL');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body.Error.Message).toBe('Service unavailable');
  });

  it('drops the response after committing the change', async () => {
    emu.faults.add({ path: /\/bulk$/, method: 'POST', kind: 'drop-after-commit' });
    await expect(
      api(emu, token, 'POST', `/list/v4/lists/${projects}/bulk`, {
        requests: [{ shortCode: 'DROP1', value: 'Dropped' }],
      }),
    ).rejects.toThrow();
    expect(emu.state.itemByCode(projects, 'DROP1')?.value).toBe('Dropped');
    expect(emu.find({ path: /\/bulk$/ }).at(-1)?.dropped).toBe(true);
  });

  it('expires the presented token', async () => {
    const own = (await companyToken(emu)).access;
    emu.faults.add({ path: '/list/v4/lists', kind: 'expire-token' });
    expect((await api(emu, own, 'GET', '/list/v4/lists')).status).toBe(401);
    expect((await api(emu, own, 'GET', '/list/v4/lists')).status).toBe(401);
    expect((await api(emu, token, 'GET', '/list/v4/lists')).status).toBe(200);
  });
});
