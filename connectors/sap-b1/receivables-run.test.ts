/**
 * The AR write-backs under the engine against the emulator: payments applied to invoices (refusals
 * go to attention), credit notes against invoices, credit limits that change only what changed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../engine/connector/registry.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { runSession } from '../../engine/run/session.js';
import { openStateStore, type StateStore } from '../../engine/state/store.js';
import { dataset, memoryConnector, type MemoryDataset } from '../../test/helpers/memory-connector.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { checkTraffic, formatMismatches, type TestExchange } from '../../test/contract/check.js';
import { startSapB1Emulator, type SapB1Emulator } from './emulator/index.js';
import { sapB1Connector } from './index.js';

const registry = createRegistry([memoryConnector, sapB1Connector]);

const PAYMENT = `{
  "DocType": "rCustomer",
  "CardCode": customer,
  "DocDate": date,
  "TransferAccount": "1100",
  "TransferSum": amount,
  "TransferDate": date,
  "TransferReference": bank,
  "Reference2": id,
  "PaymentInvoices": [lines.{ "DocEntry": $number(invoice), "SumApplied": applied, "InvoiceType": "it_Invoice" }]
}`;
const CREDIT_NOTE = `{
  "CardCode": customer,
  "DocDate": date,
  "NumAtCard": id,
  "Comments": "Deduction " & id & " " & reason,
  "DocumentLines": [{ "AccountCode": "4000", "LineTotal": amount, "BaseType": 13, "BaseEntry": $number(invoice), "BaseLine": 0 }]
}`;
const CREDIT_LIMIT = `{ "CardCode": customer, "CreditLimit": limit }`;

describe('AR write-backs to SAP Business One through the engine', () => {
  let emu: SapB1Emulator;
  let state: StateStore;
  let dir: string;
  let src: MemoryDataset;
  let n = 0;
  let traffic: TestExchange[] = [];

  beforeAll(async () => {
    state = await openStateStore({ url: `sqlite:${tempDir('sap-b1-ar-')}/state.db`, secretKey: 'e'.repeat(64) });
  });
  afterAll(async () => {
    await state.close();
  });
  beforeEach(async () => {
    emu = await startSapB1Emulator();
    traffic = [];
    emu.recordTraffic((x) => traffic.push({ ...x, system: 'sap-b1', test: 'receivables-run' }));
    dir = tempDir('sap-b1-ar-');
    src = dataset(`${dir}:src`);
  });
  afterEach(async () => {
    await emu.close();
    // what went over the wire fits the $metadata (test/contract/)
    const mismatches = checkTraffic(traffic);
    expect(mismatches.length === 0 ? '' : formatMismatches(mismatches, 'receivables-run')).toBe('');
    expect(traffic.length).toBeGreaterThan(0);
  });

  function pipeline(transform: string, target: Record<string, unknown>): string {
    writeFileSync(
      join(dir, 'connections.yaml'),
      stringify({
        connections: {
          src: { connector: 'memory', dataset: `${dir}:src` },
          b1: {
            connector: 'sap-b1',
            serviceUrl: emu.url,
            companyDb: emu.companyDb,
            username: 'manager',
            password: '${env:B1_PASSWORD}',
            retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
          },
        },
      }),
    );
    const name = `ar${n++}`;
    const path = join(dir, `${name}.yaml`);
    writeFileSync(
      path,
      stringify({ version: 1, name, source: { connection: 'src', resource: 'records' }, transform, target }),
    );
    return path;
  }

  const run = (pipelinePath: string) =>
    runSession({
      command: 'run',
      subject: { kind: 'pipeline-file', path: pipelinePath },
      registry,
      logger: silentLogger(),
      state,
      env: { B1_PASSWORD: 'manager' },
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
    });
  const payment = (id: string, customer: string, lines: [string, number][]) => ({
    id,
    customer,
    date: '2024-06-03',
    bank: `BANK-${id}`,
    amount: lines.reduce((s, [, a]) => s + a, 0),
    lines: lines.map(([invoice, applied]) => ({ invoice, applied })),
  });

  it('payments close the invoices they settle; closed, unknown and over-paid invoices go to attention', async () => {
    src.source = [
      payment('PAY-1001', 'C3001', [['1', 1250]]),
      payment('PAY-1002', 'C3003', [['3', 500]]),
      payment('PAY-1003', 'C3004', [['14', 3150]]),
      payment('PAY-1004', 'C3005', [['5', 8000]]),
      payment('PAY-1008', 'C3009', [['999', 640]]),
    ];
    const p = pipeline(PAYMENT, { connection: 'b1', resource: 'incoming-payments', mode: 'create', key: 'Reference2' });
    const first = await run(p);
    expect(first.report.apply).toMatchObject({ created: 2, failed: 3 });
    const why = Object.fromEntries(first.report.attention.sample.map((a) => [a.sourceKey, a.message]));
    expect(why['PAY-1003']).toMatch(/Document 14 is already closed/);
    expect(why['PAY-1004']).toMatch(/exceeds the open amount of document 5/);
    expect(why['PAY-1008']).toMatch(/Invalid document 999/);
    expect(emu.state.Invoices.get('1')?.DocumentStatus).toBe('bost_Close');
    expect(emu.state.Invoices.get('3')?.DocumentStatus).toBe('bost_Open');
    // the refused payments are not posted again while nothing changed on our side (they wait for their retry time)
    const posted = (): number =>
      (emu.counters.requests['POST IncomingPayments'] ?? 0) + (emu.counters.requests['POST $batch'] ?? 0);
    const before = posted();
    const again = await run(p);
    expect(again.report.plan?.counts).toMatchObject({ create: 0, noop: 2 });
    expect(posted()).toBe(before);
    expect(emu.state.IncomingPayments.size).toBe(2);
  });

  it('a credit note whose answer was lost is found by NumAtCard and never posted twice', async () => {
    src.source = [
      { id: 'DED-2001', customer: 'C3006', invoice: '6', amount: 60.4, reason: 'PRICING', date: '2024-06-10' },
    ];
    const p = pipeline(CREDIT_NOTE, { connection: 'b1', resource: 'credit-notes', mode: 'create', key: 'NumAtCard' });
    emu.faults.add({ method: 'POST', path: 'CreditNotes', kind: 'drop-after-commit' });
    const first = await run(p);
    expect(first.report.apply).toMatchObject({ failed: 0 });
    expect((await run(p)).report.plan?.counts).toMatchObject({ create: 0, noop: 1 });
    expect([...emu.state.CreditNotes.values()].filter((c) => c.NumAtCard === 'DED-2001')).toHaveLength(1);
    expect(emu.counters.requests['POST CreditNotes']).toBe(1);
    // the invoice's open amount is now 500.00: a payment of 500.01 is refused, 500.00 closes it
    src.source = [payment('PAY-1006', 'C3006', [['6', 500.01]]), payment('PAY-1006B', 'C3006', [['6', 500]])];
    const pay = pipeline(PAYMENT, {
      connection: 'b1',
      resource: 'incoming-payments',
      mode: 'create',
      key: 'Reference2',
    });
    expect((await run(pay)).report.apply).toMatchObject({ created: 1, failed: 1 });
    expect(emu.state.Invoices.get('6')?.DocumentStatus).toBe('bost_Close');
  });

  it('credit limits: unchanged limits make no call, changed ones one PATCH, unknown partners go to attention', async () => {
    expect(emu.state.BusinessPartners.get('C3002')?.CreditLimit).toBe(25000);
    src.source = [
      { id: '1', customer: 'C3001', limit: 50000 },
      { id: '2', customer: 'C3002', limit: 30000 },
      { id: '3', customer: 'C9999', limit: 1000 },
    ];
    const p = pipeline(CREDIT_LIMIT, { connection: 'b1', resource: 'credit-limits', mode: 'upsert', key: 'CardCode' });
    const first = await run(p);
    expect(first.report.plan?.counts).toMatchObject({ noop: 1, update: 1, create: 1 });
    expect(first.report.apply).toMatchObject({ updated: 1, failed: 1 });
    expect(first.report.attention.sample.map((a) => [a.sourceKey, a.code])).toEqual([['3', 'SAP_B1_PARTNER_UNKNOWN']]);
    expect(emu.state.BusinessPartners.get('C3002')?.CreditLimit).toBe(30000);
    expect(emu.state.BusinessPartners.has('C9999')).toBe(false);
    src.source = src.source.filter((r) => r.customer !== 'C9999');
    const before = { ...emu.counters.requests };
    const second = await run(p);
    expect(second.report.plan?.counts).toMatchObject({ noop: 2, update: 0 });
    expect(Object.keys(emu.counters.requests).filter((k) => !k.startsWith('GET') && k !== 'POST Login')).toEqual(
      Object.keys(before).filter((k) => !k.startsWith('GET') && k !== 'POST Login'),
    );
    expect(emu.counters.requests['PATCH BusinessPartners'] ?? 0).toBe(before['PATCH BusinessPartners'] ?? 0);
  });
});
