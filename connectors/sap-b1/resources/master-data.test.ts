import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TargetRecord, TargetResource, WriteOp } from '../../../engine/connector/types.js';
import { startSapB1Emulator, type SapB1Emulator } from '../emulator/index.js';
import type { ResourceOpener } from '../../../engine/connector/dispatch.js';
import type { SapB1Connection } from '../connection.js';
import { sapB1Connector } from '../index.js';
import { openTestConnection } from '../test-support.js';

const update = (t: TargetRecord, record: Record<string, unknown>): WriteOp => ({
  op: 'update',
  key: t.key,
  id: t.id,
  record,
  before: t.record,
  changes: Object.keys(record)
    .filter((k) => record[k] !== t.record[k])
    .map((path) => ({ path, before: t.record[path], after: record[path] })),
});

describe('master data targets', () => {
  let emu: SapB1Emulator;
  let conn: SapB1Connection & ResourceOpener;
  beforeEach(async () => {
    emu = await startSapB1Emulator();
    conn = await openTestConnection(emu, { version: 'v1' });
  });
  afterEach(async () => {
    await conn.close();
    await emu.close();
  });

  describe('business-partners', () => {
    let bp: TargetResource;
    beforeEach(() => {
      bp = conn.target('business-partners', {}, { keyField: 'CardCode', mode: 'upsert' });
    });

    it('creates partners and finds them; lookup skips unknown keys', async () => {
      const outcomes = await bp.write([
        {
          op: 'create',
          key: 'E1035',
          record: {
            CardCode: 'E1035',
            CardName: 'Ivan Horvat',
            CardType: 'cSupplier',
            EmailAddress: 'ivan.horvat@northwind.example',
          },
        },
      ]);
      expect(outcomes).toEqual([{ key: 'E1035', ok: true, id: 'E1035' }]);
      const found = await bp.lookup(['E1035', 'E1001', 'NOPE']);
      expect([...found.keys()].sort()).toEqual(['E1001', 'E1035']);
      expect(found.get('E1035')).toMatchObject({
        id: 'E1035',
        active: true,
        record: { CardName: 'Ivan Horvat', CardType: 'cSupplier', DebitorAccount: '2100' },
      });
      expect(found.get('E1035')?.record).not.toHaveProperty('odata.etag');
    });

    it('updates only the changed fields with PATCH (CreditLimit), checked by ETag', async () => {
      const before = (await bp.lookup(['C3001'])).get('C3001')!;
      expect(before.record.CreditLimit).toBe(50000);
      const [outcome] = await bp.write([
        update(before, { CardCode: 'C3001', CardName: before.record.CardName, CreditLimit: 65000 }),
      ]);
      expect(outcome).toEqual({ key: 'C3001', ok: true, id: 'C3001' });
      expect(emu.state.BusinessPartners.get('C3001')?.CreditLimit).toBe(65000);
      const patch = emu.counters.log.find((e) => e.method === 'PATCH');
      expect(patch?.headers['if-match']).toMatch(/^W\/"[0-9A-F]{40}"$/);
    });

    it('an update against a partner changed in SAP since lookup fails (412), not retryable, nothing written', async () => {
      const before = (await bp.lookup(['C3002'])).get('C3002')!;
      emu.state.BusinessPartners.set('C3002', { ...emu.state.BusinessPartners.get('C3002')!, Phone1: '555-0100' });
      const [outcome] = await bp.write([update(before, { CardCode: 'C3002', CreditLimit: 1 })]);
      expect(outcome?.ok).toBe(false);
      expect(outcome?.error).toMatchObject({ code: 'SAP_B1_ETAG_MISMATCH', retryable: false, status: 412 });
      expect(emu.state.BusinessPartners.get('C3002')?.CreditLimit).toBe(25000);
    });

    it("a duplicate create fails alone with SAP's message", async () => {
      const [dup, ok] = await bp.write([
        { op: 'create', key: 'V2001', record: { CardCode: 'V2001', CardName: 'again', CardType: 'cSupplier' } },
        { op: 'create', key: 'V2999', record: { CardCode: 'V2999', CardName: 'new', CardType: 'cSupplier' } },
      ]);
      expect(dup?.error).toMatchObject({ code: 'SAP_B1_BUSINESS_RULE', retryable: false });
      expect(dup?.error?.message).toMatch(/already assigned to a business partner/);
      expect(ok?.ok).toBe(true);
    });

    it('a create whose answer was lost is found and reported written', async () => {
      emu.faults.add({ method: 'POST', path: 'BusinessPartners', kind: 'drop-after-commit' });
      const [outcome] = await bp.write([
        { op: 'create', key: 'V3000', record: { CardCode: 'V3000', CardName: 'Lost answer', CardType: 'cSupplier' } },
      ]);
      expect(outcome).toEqual({ key: 'V3000', ok: true, id: 'V3000' });
    });

    it('mirror deletes deactivate (Frozen) and list() shows every partner with its state', async () => {
      const mirror = conn.target(
        'business-partners',
        { where: { CardType: 'cCustomer' } },
        { keyField: 'CardCode', mode: 'mirror' },
      );
      const t = (await mirror.lookup(['C3010'])).get('C3010')!;
      const [outcome] = await mirror.write([
        { op: 'delete', key: 'C3010', id: 'C3010', action: 'deactivate', before: t.record },
      ]);
      expect(outcome?.ok).toBe(true);
      expect(emu.state.BusinessPartners.get('C3010')?.Frozen).toBe('tYES');
      const listed: TargetRecord[] = [];
      for await (const page of mirror.list!()) listed.push(...page);
      expect(listed).toHaveLength(10);
      expect(listed.find((r) => r.key === 'C3010')?.active).toBe(false);
      expect(listed.find((r) => r.key === 'C3001')?.active).toBe(true);
      const [del] = await mirror.write([{ op: 'delete', key: 'C3009', id: 'C3009', action: 'delete', before: {} }]);
      expect(del?.error?.code).toBe('SAP_B1_DELETE_UNSUPPORTED');
    });

    it('matches by another key field when the pipeline keys on it', async () => {
      const byTaxId = conn.target('business-partners', {}, { keyField: 'FederalTaxID', mode: 'upsert' });
      const taxId = String(emu.state.BusinessPartners.get('V2003')?.FederalTaxID);
      const found = await byTaxId.lookup([taxId]);
      expect(found.get(taxId)).toMatchObject({ id: 'V2003', key: taxId });
    });

    it('checks field lengths before sending', () => {
      expect(
        sapB1Connector.resources['business-partners']!.check!({ CardCode: 'X'.repeat(16), CardName: 'ok' }),
      ).toEqual(['CardCode is 16 characters long; SAP Business One allows 15']);
    });
  });

  it('projects: upsert and deactivate', async () => {
    const p = conn.target('projects', {}, { keyField: 'Code', mode: 'mirror' });
    expect(
      await p.write([
        { op: 'create', key: 'P1031', record: { Code: 'P1031', Name: 'Metrology Cloud', ValidFrom: '2024-06-01' } },
      ]),
    ).toEqual([{ key: 'P1031', ok: true, id: 'P1031' }]);
    const t = (await p.lookup(['P1031'])).get('P1031')!;
    expect(t.record).toMatchObject({ Name: 'Metrology Cloud', ValidFrom: '2024-06-01', Active: 'tYES' });
    expect((await p.write([update(t, { Code: 'P1031', Name: 'Metrology Cloud Platform' })]))[0]?.ok).toBe(true);
    expect(
      (await p.write([{ op: 'delete', key: 'P1031', id: 'P1031', action: 'deactivate', before: t.record }]))[0]?.ok,
    ).toBe(true);
    expect(emu.state.Projects.get('P1031')).toMatchObject({ Name: 'Metrology Cloud Platform', Active: 'tNO' });
    expect((await p.lookup(['P1031'])).get('P1031')?.active).toBe(false);
  });

  it('profit-centers: a new center gets its distribution rule and is usable in journal lines', async () => {
    const pc = conn.target('profit-centers', {}, { keyField: 'CenterCode', mode: 'upsert' });
    const [outcome] = await pc.write([
      {
        op: 'create',
        key: 'CC420',
        record: { CenterCode: 'CC420', CenterName: 'Legal', InWhichDimension: 1, CostCenterType: 'GNA' },
      },
    ]);
    expect(outcome).toEqual({ key: 'CC420', ok: true, id: 'CC420' });
    expect(emu.state.DistributionRules.get('CC420')).toBeDefined();
    const je = conn.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
    const lines = [
      { AccountCode: '6900', Debit: 10, CostingCode: 'CC420' },
      { AccountCode: '1100', Credit: 10 },
    ];
    expect((await je.write([{ op: 'create', key: 'LEGAL-1', record: { JournalEntryLines: lines } }]))[0]?.ok).toBe(
      true,
    );
    expect(
      sapB1Connector.resources['profit-centers']!.check!({ CenterCode: 'CC4200000', CenterName: 'x'.repeat(31) }),
    ).toHaveLength(2);
  });
});
