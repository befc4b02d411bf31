import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataRecord, WriteOp } from '../../../engine/connector/types.js';
import type { HttpResponse } from '../../../engine/runtime/http.js';
import { systemClock } from '../../../engine/runtime/clock.js';
import { conformanceContext } from '../../../test/conformance/context.js';
import type { ConcurClient } from '../client.js';
import { resolveConfig } from '../config.js';
import { startConcurEmulator, type ConcurEmulator } from '../emulator/index.js';
import { emulatorConfig, openAgainst } from '../test-support.js';
import { vendorsOpeners } from './vendors.js';

const VENDORS = '/api/v3.1/invoice/vendors';
const vendor = (code: string, extra: DataRecord = {}): DataRecord => ({
  VendorCode: code,
  VendorName: `Vendor ${code}`,
  CountryCode: 'US',
  CurrencyCode: 'USD',
  ...extra,
});
const create = (record: DataRecord): WriteOp => ({ op: 'create', key: String(record.VendorCode), record });

let emu: ConcurEmulator;
beforeAll(async () => {
  emu = await startConcurEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.faults.clear();
  emu.clearLog();
});

async function vendorTarget() {
  const connection = await openAgainst(emu);
  const target = connection.target!('vendors', {}, { keyField: 'VendorCode', mode: 'upsert' });
  await target.lookup(['V2001']);
  return target;
}

describe('vendors: what a failed write did (writeOutcome)', () => {
  it('a record its StatusList refuses was not applied; the others of the batch were written', async () => {
    const target = await vendorTarget();
    const outcomes = new Map(
      (
        await target.write([
          create(vendor('V3001')),
          create(vendor('V3002', { CurrencyCode: undefined })),
          create(vendor('V2001')), // exists: the emulator refuses a second create of the key
        ])
      ).map((o) => [o.key, o]),
    );
    expect(outcomes.get('V3001')).toMatchObject({ ok: true });
    expect(outcomes.get('V3002')!.error).toMatchObject({
      code: 'CONCUR_VENDOR_REJECTED',
      retryable: false,
      writeOutcome: 'not-applied',
    });
    expect(outcomes.get('V2001')!.error).toMatchObject({ remoteCode: '409', writeOutcome: 'not-applied' });
  });

  it('a lost answer after the commit is unknown; the next lookup of the same target finds the vendor', async () => {
    const target = await vendorTarget();
    emu.faults.add({ path: VENDORS, method: 'POST', kind: 'drop-after-commit' });
    const [o] = await target.write([create(vendor('V3010'))]);
    expect(o!.error).toMatchObject({ code: 'NETWORK_ERROR', retryable: true, writeOutcome: 'unknown' });
    expect(emu.count({ method: 'POST', path: VENDORS })).toBe(1);
    expect((await target.lookup(['V3010'])).get('V3010')?.record).toMatchObject({ VendorName: 'Vendor V3010' });
  });

  it('a 429 refused the batch (not-applied), a 503 may have been applied (unknown)', async () => {
    const target = await vendorTarget();
    emu.faults.add({ path: VENDORS, method: 'POST', kind: '429', times: Infinity });
    const [throttled] = await target.write([create(vendor('V3020'))]);
    expect(throttled!.error).toMatchObject({ code: 'CONCUR_RATE_LIMITED', writeOutcome: 'not-applied' });
    emu.faults.clear();
    emu.faults.add({ path: VENDORS, method: 'POST', kind: '503' });
    const [down] = await target.write([create(vendor('V3021'))]);
    expect(down!.error).toMatchObject({ code: 'CONCUR_UNAVAILABLE', writeOutcome: 'unknown' });
  });

  it('an update (PUT) whose every attempt fails with a 5xx is unknown; a DELETE of a missing vendor is refused', async () => {
    const target = await vendorTarget();
    const before = (await target.lookup(['V2002'])).get('V2002')!;
    emu.faults.add({ path: VENDORS, method: 'PUT', kind: '500', times: Infinity });
    const [put] = await target.write([
      { op: 'update', key: 'V2002', id: 'V2002', record: { VendorName: 'x' }, before: before.record, changes: [] },
    ]);
    expect(put!.error).toMatchObject({ retryable: true, writeOutcome: 'unknown' });
    expect(emu.count({ method: 'PUT', path: VENDORS })).toBe(4);
    const [del] = await target.write([
      { op: 'delete', key: 'V9999', id: 'V9999', action: 'delete', before: { VendorCode: 'V9999' } },
    ]);
    expect(del!.error).toMatchObject({ writeOutcome: 'not-applied' });
  });
});

describe('vendors: answers without a status per record', () => {
  function targetAnswering(res: Partial<HttpResponse>) {
    const client = {
      request: () => Promise.resolve({ status: 200, headers: {}, body: undefined, rawBody: '', ...res }),
    } as unknown as ConcurClient;
    const config = resolveConfig(emulatorConfig(emu));
    return vendorsOpeners.target!(
      { client, config, context: conformanceContext(), clock: systemClock },
      {},
      {
        keyField: 'VendorCode',
        mode: 'upsert',
      },
    );
  }

  it('a vendor the answer has no status for may have been stored: unknown', async () => {
    const body = { Vendor: [{ ...vendor('A'), StatusList: [{ Code: 200, RecordNumber: 1, Type: 'SUCCESS' }] }] };
    const outcomes = await targetAnswering({ body }).write([create(vendor('A')), create(vendor('B'))]);
    expect(outcomes[0]).toMatchObject({ ok: true });
    expect(outcomes[1]!.error).toMatchObject({ code: 'CONCUR_VENDOR_NO_STATUS', writeOutcome: 'unknown' });
  });

  it('an answer that cannot be read leaves every vendor in doubt', async () => {
    const outcomes = await targetAnswering({ body: 'Service temporarily overloaded', rawBody: 'x' }).write([
      create(vendor('A')),
    ]);
    expect(outcomes[0]!.error).toMatchObject({ writeOutcome: 'unknown' });
  });
});
