/**
 * End-to-end: pipelines/sap-b1-vendors-to-concur-invoice.yaml through the CLI (a subprocess)
 * against the SAP Business One and Concur emulators of the demo company; assertions on the Invoice
 * vendors the Concur emulator holds.
 */
import { describe, expect, it } from 'vitest';
import type { DemoEnvironment } from '../../../app/demo/environment.js';
import { demoEnvironment, runPipeline as runNamed } from '../../helpers/demo-env.js';

const runPipeline = (env: DemoEnvironment): ReturnType<typeof runNamed> =>
  runNamed(env, 'sap-b1-vendors-to-concur-invoice');

const vendor = (env: DemoEnvironment, code: string): Record<string, unknown> | undefined =>
  env.concur.state.vendors.get(`${code}|MAIN`);
const vendorCodes = (env: DemoEnvironment): string[] =>
  [...env.concur.state.vendors.values()].map((v) => String(v.VendorCode)).sort();
const supplier = (code: string, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  CardCode: code,
  CardName: name,
  CardType: 'cSupplier',
  GroupCode: 101,
  Currency: 'USD',
  Country: 'US',
  DebitorAccount: '2100',
  Valid: 'tYES',
  Frozen: 'tNO',
  Address: '5 Harbor Way',
  City: 'Duluth',
  BillToState: 'MN',
  ZipCode: '55802',
  FederalTaxID: '41-2000001',
  CreateDate: '2024-06-01',
  UpdateDate: '2024-06-01',
  ...extra,
});

describe('sap-b1-vendors-to-concur-invoice', async () => {
  const env = await demoEnvironment();
  const vendorWrites = (): { method: string; codes: string[] }[] =>
    env.concur
      .find({ path: '/api/v3.1/invoice/vendors' })
      .filter((r) => r.method !== 'GET')
      .map((r) => ({
        method: r.method,
        codes: ((r.requestBody as { Vendor?: { VendorCode: string }[] } | undefined)?.Vendor ?? []).map(
          (v) => v.VendorCode,
        ),
      }));

  it('first run: the suppliers Concur lacks are created; employees and customers are not vendors', async () => {
    const { result, report } = await runPipeline(env);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // 15 suppliers of the vendor group read; the 34 employee partners (group 102) are filtered out by the Service Layer
    expect(report.plan?.counts).toMatchObject({ read: 15, create: 3, update: 0, noop: 12, attention: 0 });
    expect(vendorCodes(env)).toEqual(Array.from({ length: 15 }, (_, i) => `V${2001 + i}`));
    expect(vendor(env, 'V2013')).toMatchObject({
      VendorCode: 'V2013',
      AddressCode: 'MAIN',
      VendorName: 'Meridian Travel',
      City: 'Chicago',
      CountryCode: 'US',
      CurrencyCode: 'USD',
    });
    const b1 = env.b1.state.BusinessPartners.get('V2014')!;
    expect(vendor(env, 'V2014')).toMatchObject({
      VendorName: b1.CardName,
      Address1: b1.Address,
      City: b1.City,
      State: b1.BillToState,
      PostalCode: b1.ZipCode,
      TaxID: b1.FederalTaxID,
    });
    expect(vendorWrites()).toEqual([{ method: 'POST', codes: ['V2013', 'V2014', 'V2015'] }]);
  });

  it('second run changes nothing', async () => {
    env.concur.clearLog();
    const { result, report } = await runPipeline(env);
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 0, update: 0, noop: 15 });
    expect(vendorWrites()).toEqual([]);
  });

  it('a supplier that moved is exactly one update, keeping what Concur holds beyond the mapped fields', async () => {
    const bp = env.b1.state.BusinessPartners.get('V2003')!;
    bp.Address = '8 Foundry Lane';
    bp.ZipCode = '48201';
    env.concur.clearLog();
    const { result, report } = await runPipeline(env);
    expect(result.code, result.stderr).toBe(0);
    expect(report.apply).toMatchObject({ created: 0, updated: 1, failed: 0 });
    expect(vendorWrites()).toEqual([{ method: 'PUT', codes: ['V2003'] }]);
    expect(vendor(env, 'V2003')).toMatchObject({
      Address1: '8 Foundry Lane',
      PostalCode: '48201',
      City: 'Detroit',
      PaymentTerms: '30',
      PaymentMethodType: 'CHECK',
      Approved: 'true',
    });
  });

  it('a supplier without a country goes to attention, a frozen one is not created, the new ones are', async () => {
    env.b1.state.BusinessPartners.set('V2016', supplier('V2016', 'Pinnacle Tooling'));
    env.b1.state.BusinessPartners.set(
      'V2019',
      supplier('V2019', 'Rhine Instruments', { Currency: '##', Country: 'DE', BillToState: null }),
    );
    env.b1.state.BusinessPartners.set('V2017', supplier('V2017', 'Quarry Stoneworks', { Country: null }));
    env.b1.state.BusinessPartners.set('V2018', supplier('V2018', 'Frozen Fasteners', { Frozen: 'tYES' }));
    env.b1.state.BusinessPartners.set('E1040', supplier('E1040', 'New Employee', { GroupCode: 102 }));
    env.concur.clearLog();
    const { result, report } = await runPipeline(env);
    expect(result.code).toBe(3);
    expect(report.attention.sample).toEqual([
      expect.objectContaining({ sourceKey: 'V2017', code: 'TRANSFORM_FAILED' }),
    ]);
    expect(report.attention.sample[0]!.message).toContain('supplier V2017 has no country in SAP Business One');
    expect(vendorWrites()).toEqual([{ method: 'POST', codes: ['V2016', 'V2019'] }]);
    expect(vendor(env, 'V2016')).toMatchObject({ VendorName: 'Pinnacle Tooling', City: 'Duluth', CurrencyCode: 'USD' });
    // "all currencies" in SAP: the local currency of mappings/concur-sap-b1-settings.csv
    expect(vendor(env, 'V2019')).toMatchObject({
      VendorName: 'Rhine Instruments',
      CountryCode: 'DE',
      CurrencyCode: 'USD',
    });
    expect(vendor(env, 'V2019')).not.toHaveProperty('State');
    for (const code of ['V2017', 'V2018', 'E1040']) expect(vendor(env, code)).toBeUndefined();
  });
});
