/**
 * End to end: the accounts-receivable pipelines (pipelines/sap-b1-*-to-ar.yaml, ar-*-to-sap-b1.yaml)
 * through the CLI (a subprocess) against the SAP Business One and AR-platform emulators seeded with
 * the demo company. Assertions are on what the emulators hold afterwards and on their request
 * counters, not only on the run reports. The tests run in order on one environment, as a client's
 * schedule would: master data out, results back, invoices out.
 */
import { describe, expect, it } from 'vitest';
import { demoEnvironment, runPipeline } from '../../helpers/demo-env.js';

type Json = Record<string, unknown>;

describe('the AR pipelines', async () => {
  const env = await demoEnvironment();
  const payments = (): Json[] => [...env.b1.state.IncomingPayments.values()] as Json[];
  /** Writes the AR platform answered (PUT / POST / PATCH, token calls aside). */
  const arWrites = (): number =>
    Object.entries(env.ar.counters.requests)
      .filter(([label]) => /^(PUT|POST|PATCH) \/v1\//.test(label))
      .reduce((n, [, c]) => n + c, 0);
  const invoice = (docEntry: number): Json | undefined => env.b1.state.Invoices.get(String(docEntry)) as Json;

  it('customers go to the AR platform by their SAP code; a second run makes no call', async () => {
    const { report } = await runPipeline(env, 'sap-b1-customers-to-ar');
    expect(report.status).toBe('succeeded');
    const customers = env.ar.store.collections.customers;
    for (const code of ['C3001', 'C3007', 'C3010']) expect(customers.get(code)?.externalId).toBe(code);
    expect(customers.get('C3007')).toMatchObject({ name: 'Gemini Semiconductor', currency: 'USD', status: 'active' });
    expect(customers.get('C3001')).toMatchObject({ email: 'ap@apex.example' });
    const puts = arWrites();
    const again = await runPipeline(env, 'sap-b1-customers-to-ar');
    expect(again.report.plan?.counts).toMatchObject({ create: 0, update: 0 });
    expect(arWrites()).toBe(puts);
  });

  it('payments close the invoices they settle; closed, unknown and over-paid invoices go to attention', async () => {
    const { result, report } = await runPipeline(env, 'ar-payments-to-sap-b1');
    expect(result.code).toBe(3); // attention
    expect(report.status).toBe('attention');
    const why = Object.fromEntries(report.attention.sample.map((a) => [a.sourceKey, a]));
    expect(why['PAY-1003']?.message).toMatch(/Document 14 is already closed/);
    expect(why['PAY-1004']?.message).toMatch(/exceeds the open amount of document 5/);
    expect(why['PAY-1008']?.message).toMatch(/Invalid document 999/);
    expect(Object.keys(why).sort()).toEqual(['PAY-1003', 'PAY-1004', 'PAY-1008']);
    // PAY-1001 pays invoice 1 in full, PAY-1005 invoices 2 and 12; PAY-1002 part of invoice 3
    for (const n of [1, 2, 12]) expect(invoice(n)?.DocumentStatus).toBe('bost_Close');
    expect(invoice(3)?.DocumentStatus).toBe('bost_Open');
    expect(invoice(5)?.DocumentStatus).toBe('bost_Open');
    const refs = payments().map((p) => p.Reference2);
    expect(refs.sort()).toEqual(['PAY-1001', 'PAY-1002', 'PAY-1005', 'PAY-1006', 'PAY-1007']);
    expect(payments().find((p) => p.Reference2 === 'PAY-1005')).toMatchObject({
      CardCode: 'C3002',
      TransferAccount: '1100',
      TransferSum: 5275.85,
    });
    // never a duplicate: a second run posts nothing new
    const posts = (): number =>
      Object.entries(env.b1.counters.requests)
        .filter(([k]) => k.startsWith('POST ') && !k.startsWith('POST Login'))
        .reduce((n, [, v]) => n + v, 0);
    const before = posts();
    const again = await runPipeline(env, 'ar-payments-to-sap-b1', ['--full']);
    expect(payments()).toHaveLength(5);
    // and a payment SAP refused that the source returns again (its lookback) is not sent again
    expect(again.report.plan?.counts.read).toBe(1);
    expect(again.report.plan?.warnings.join('\n')).toContain('1 record(s) the target refused are not sent again');
    expect(posts()).toBe(before);
  });

  it('approved deductions become credit notes against the invoice on the mapped account, closing the short-paid ones', async () => {
    const { report } = await runPipeline(env, 'ar-deductions-to-sap-b1');
    expect(report.apply).toMatchObject({ created: 3, failed: 0 });
    const notes = [...env.b1.state.CreditNotes.values()] as Json[];
    const byRef = new Map(notes.map((n) => [n.NumAtCard, n]));
    expect([...byRef.keys()].sort()).toEqual(['DED-2001', 'DED-2002', 'DED-2005']);
    const line = (ref: string): Json => (byRef.get(ref)?.DocumentLines as Json[])[0]!;
    expect(line('DED-2001')).toMatchObject({ AccountCode: '4000', LineTotal: 60.4, BaseType: 13, BaseEntry: 6 });
    expect(line('DED-2002')).toMatchObject({ AccountCode: '6900', LineTotal: 150, BaseEntry: 7 });
    // the short payment (PAY-1006: 500 of 560.40) and the deduction (60.40) together close invoice 6
    expect(invoice(6)?.DocumentStatus).toBe('bost_Close');
    expect(invoice(7)?.DocumentStatus).toBe('bost_Close');
    expect(invoice(10)?.DocumentStatus).toBe('bost_Open');
    const again = await runPipeline(env, 'ar-deductions-to-sap-b1', ['--full']);
    expect(again.report.plan?.counts.create).toBe(0);
    expect(env.b1.state.CreditNotes.size).toBe(3);
  });

  it('credit limits: changed ones are one PATCH each, unchanged limits make no PATCH at all', async () => {
    const patches = (): number => env.b1.counters.requests['PATCH BusinessPartners'] ?? 0;
    const before = patches();
    const { report } = await runPipeline(env, 'ar-credit-limits-to-sap-b1');
    expect(report.plan?.counts).toMatchObject({ update: 3, noop: 3 });
    expect(patches() - before).toBe(3);
    const limit = (c: string): unknown => (env.b1.state.BusinessPartners.get(c) as Json).CreditLimit;
    expect([limit('C3002'), limit('C3004'), limit('C3006'), limit('C3001')]).toEqual([30000, 60000, 35000, 50000]);
    const unchanged = patches();
    const again = await runPipeline(env, 'ar-credit-limits-to-sap-b1', ['--full']);
    expect(again.report.plan?.counts).toMatchObject({ update: 0, create: 0 });
    expect(patches()).toBe(unchanged);
  });

  it('open invoices go to the platform, the ones SAP closed arrive closed', async () => {
    const { report } = await runPipeline(env, 'sap-b1-open-invoices-to-ar');
    expect(report.status).toBe('succeeded');
    const invoices = env.ar.store.collections.invoices;
    expect(invoices.get('11')).toMatchObject({
      customerExternalId: 'C3001',
      amount: 4999.99,
      openAmount: 4999.99,
      status: 'open',
    });
    expect(invoices.get('1')).toMatchObject({ status: 'closed', openAmount: 0 });
    expect(invoices.get('6')).toMatchObject({ status: 'closed', openAmount: 0 });
    expect(invoices.get('14')).toMatchObject({ status: 'closed' });
    const again = await runPipeline(env, 'sap-b1-open-invoices-to-ar');
    expect(again.report.plan?.counts).toMatchObject({ create: 0, update: 0 });
  });
});
