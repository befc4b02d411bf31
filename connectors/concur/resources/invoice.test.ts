import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteOp } from '../../../engine/connector/types.js';
import { startConcurEmulator, type ConcurEmulator } from '../emulator/index.js';
import { openAgainst, readAll } from '../test-support.js';

let emu: ConcurEmulator;
beforeAll(async () => {
  emu = await startConcurEmulator();
});
afterAll(async () => {
  await emu.close();
});

describe('concur payment-requests', () => {
  it('reads digests, then each payment request with line items and allocations as arrays and the vendor code', async () => {
    const connection = await openAgainst(emu);
    const pages = await readAll(connection, 'payment-requests', { approvalStatus: 'A_APPR', pageSize: 4 });
    expect(pages.map((p) => p.length)).toEqual([4, 4, 2]);
    const requests = pages.flat();
    expect(requests.every((r) => Array.isArray(r.LineItems) && r.ApprovalStatusCode === 'A_APPR')).toBe(true);
    const single = requests.find((r) => (r.LineItems as unknown[]).length === 1)!;
    expect((single.LineItems as { Allocations: unknown[] }[])[0]!.Allocations).toHaveLength(1);
    expect(requests.map((r) => r.VendorCode)).toEqual([
      'V2001',
      'V2002',
      'V2003',
      'V2004',
      'V2005',
      'V2006',
      'V2007',
      'V2008',
      'V2009',
      'V2010',
    ]);
    expect(requests[0]).toMatchObject({
      VendorAddressCode: 'MAIN',
      OwnerLoginID: expect.stringContaining('@northwind.example'),
    });
    expect(connection.stats().calls).toMatchObject({
      'GET vendors': 1,
      'GET payment request digests': 3,
      'GET payment request': 10,
    });
  });
});

describe('concur vendors', () => {
  it('creates and updates in batches, maps StatusList results to records, deletes one by one', async () => {
    const connection = await openAgainst(emu);
    const target = connection.target!('vendors', { addressCode: 'MAIN' }, { keyField: 'VendorCode', mode: 'mirror' });
    const existing = await target.lookup(['V2001', 'V2002', 'V2013']);
    expect([...existing.keys()].sort()).toEqual(['V2001', 'V2002']);
    emu.clearLog();
    const v1 = existing.get('V2001')!;
    const ops: WriteOp[] = [
      {
        op: 'create',
        key: 'V2013',
        record: { VendorCode: 'V2013', VendorName: 'Meridian Travel', CountryCode: 'US', CurrencyCode: 'USD' },
      },
      { op: 'create', key: 'V2014', record: { VendorCode: 'V2014', VendorName: 'No currency', CountryCode: 'US' } },
      {
        op: 'create',
        key: 'V2015',
        record: { VendorCode: 'V2015', VendorName: 'Orbit Packaging', CountryCode: 'US', CurrencyCode: 'USD' },
      },
      {
        op: 'update',
        key: 'V2001',
        id: v1.id,
        record: { ...v1.record, City: 'Oak Park' },
        before: v1.record,
        changes: [{ path: 'City', before: v1.record.City, after: 'Oak Park' }],
      },
      { op: 'delete', key: 'V2002', id: 'V2002', action: 'delete', before: existing.get('V2002')!.record },
    ];
    const outcomes = new Map((await target.write(ops)).map((o) => [o.key, o]));
    expect(outcomes.get('V2013')).toMatchObject({ ok: true, id: 'V2013' });
    expect(outcomes.get('V2015')).toMatchObject({ ok: true });
    expect(outcomes.get('V2014')?.error).toMatchObject({ code: 'CONCUR_VENDOR_REJECTED', retryable: false });
    expect(outcomes.get('V2014')?.error?.message).toMatch(/CurrencyCode/);
    expect(outcomes.get('V2001')).toMatchObject({ ok: true });
    expect(outcomes.get('V2002')).toMatchObject({ ok: true });
    expect(emu.state.vendors.get('V2001|MAIN')?.City).toBe('Oak Park');
    expect(emu.state.vendors.has('V2002|MAIN')).toBe(false);
    expect(emu.state.vendors.get('V2013|MAIN')?.AddressCode).toBe('MAIN');
    expect(emu.counters()).toEqual({
      'POST /api/v3.1/invoice/vendors': 1,
      'PUT /api/v3.1/invoice/vendors': 1,
      'DELETE /api/v3.1/invoice/vendors': 1,
    });
  });
});
