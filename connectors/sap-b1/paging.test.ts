import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../engine/errors.js';
import { startSapB1Emulator, type SapB1Emulator } from './emulator/index.js';
import { openTestConnection, readAll } from './test-support.js';

const seeded = Array.from({ length: 2000 }, (_, i) => ({
  Code: `S${String(i).padStart(4, '0')}`,
  Name: `Seeded project ${i}`,
  Active: i % 10 === 0 ? 'tNO' : 'tYES',
}));

describe('sap-b1 paging and reads', () => {
  let emu: SapB1Emulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  for (const version of ['v1', 'v2'] as const) {
    it(`${version}: reads 2,030 projects in pages of 250 following nextLink, one login`, async () => {
      emu = await startSapB1Emulator({ seed: { Projects: seeded } });
      const conn = await openTestConnection(emu, { version, pageSize: 250 });
      const { records, pages } = await readAll(conn.source('projects', {}).read({}));
      await conn.close();
      expect(records).toHaveLength(2030);
      expect(new Set(records.map((r) => r.Code)).size).toBe(2030);
      expect(pages).toEqual([250, 250, 250, 250, 250, 250, 250, 250, 30]);
      expect(emu.counters.requests['GET Projects']).toBe(9);
      expect(emu.counters.logins).toBe(1);
      const prefer = emu.counters.log.filter((e) => e.path === 'Projects').map((e) => e.headers.prefer);
      expect(new Set(prefer)).toEqual(new Set(['odata.maxpagesize=250']));
      expect(emu.counters.log.every((e) => e.version === version)).toBe(true);
    });
  }

  for (const style of ['absolute', 'root-relative', 'relative'] as const) {
    it(`follows ${style} nextLinks`, async () => {
      emu = await startSapB1Emulator({ nextLinkStyle: style });
      const conn = await openTestConnection(emu, { version: 'v1' });
      const { records, pages } = await readAll(conn.source('business-partners', {}).read({ pageSize: 20 }));
      await conn.close();
      expect(records).toHaveLength(59);
      expect(pages).toEqual([20, 20, 19]);
    });
  }

  it('keeps the filter, select and order on every page', async () => {
    emu = await startSapB1Emulator();
    const conn = await openTestConnection(emu);
    const { records } = await readAll(
      conn
        .source('business-partners', { cardType: 'cSupplier', select: ['CardName'], orderBy: ['CardName desc'] })
        .read({ pageSize: 7 }),
    );
    await conn.close();
    expect(records).toHaveLength(49);
    expect(Object.keys(records[0]!).sort()).toEqual(['CardCode', 'CardName']);
    const names = records.map((r) => String(r.CardName));
    expect(names).toEqual([...names].sort().reverse());
    const queries = emu.counters.log.filter((e) => e.path === 'BusinessPartners').map((e) => e.query);
    expect(queries).toHaveLength(7);
    for (const q of queries) expect(q).toContain("$filter=CardType eq 'cSupplier'");
  });

  it('sends where conditions as escaped literals', async () => {
    emu = await startSapB1Emulator();
    const conn = await openTestConnection(emu);
    const target = conn.target('business-partners', {}, { keyField: 'CardCode', mode: 'upsert' });
    await target.write([
      { op: 'create', key: 'Q1', record: { CardCode: 'Q1', CardName: "O'Hara's Tools", CardType: 'cSupplier' } },
    ]);
    const hit = await readAll(conn.source('business-partners', { where: { CardName: "O'Hara's Tools" } }).read({}));
    const injection = await readAll(
      conn.source('business-partners', { where: { CardName: "x' or CardCode ne '" } }).read({}),
    );
    await conn.close();
    expect(hit.records.map((r) => r.CardCode)).toEqual(['Q1']);
    expect(injection.records).toHaveLength(0);
  });

  it('reads incrementally from a cursor: dates by day, numbers as numbers, cursor order', async () => {
    emu = await startSapB1Emulator();
    const conn = await openTestConnection(emu, { version: 'v2' });
    const byNumber = await readAll(conn.source('journal-entries', {}).read({ since: '2', cursorField: 'JdtNum' }));
    expect(byNumber.records.map((r) => r.JdtNum)).toEqual([2, 3]);
    const byDate = await readAll(
      conn.source('invoices', {}).read({ since: '2024-04-13T08:00:00Z', cursorField: 'UpdateDate', pageSize: 3 }),
    );
    expect(byDate.records.map((r) => r.UpdateDate)).toEqual(['2024-04-13', '2024-04-18', '2024-04-23', '2024-04-28']); // open invoices only
    expect(() => conn.source('projects', {}).read({ since: '2024-01-01', cursorField: 'ValidFrom' })).toThrow(
      ConfigError,
    );
    expect(() => conn.source('journal-entries', {}).read({ since: 'yesterday', cursorField: 'JdtNum' })).toThrow(
      /not an integer/,
    );
    await conn.close();
  });

  it('hands on records without annotations and with v1-style dates in both versions', async () => {
    emu = await startSapB1Emulator();
    for (const version of ['v1', 'v2'] as const) {
      const conn = await openTestConnection(emu, { version });
      const { records } = await readAll(conn.source('journal-entries', { where: { JdtNum: 2 } }).read({}));
      await conn.close();
      expect(records[0]).toMatchObject({ JdtNum: 2, ReferenceDate: '2024-01-31', Memo: 'Office supplies January' });
      expect((records[0]!.JournalEntryLines as Record<string, unknown>[])[0]).toMatchObject({
        AccountCode: '6200',
        CostingCode: 'CC400',
        DueDate: null,
      });
      expect(Object.keys(records[0]!).some((k) => k.includes('odata'))).toBe(false);
    }
  });

  it("reads the open invoices, postable accounts, active dimensions, a dimension's centers and employees", async () => {
    emu = await startSapB1Emulator();
    const conn = await openTestConnection(emu);
    const read = async (resource: string, options: Record<string, unknown> = {}) =>
      (await readAll(conn.source(resource, options).read({}))).records;
    expect(await read('invoices')).toHaveLength(12);
    expect(await read('invoices', { includeClosed: true })).toHaveLength(14);
    expect((await read('chart-of-accounts', { postableOnly: true })).map((a) => a.Code)).not.toContain('6000');
    expect((await read('chart-of-accounts', { postableOnly: true })).map((a) => a.Code)).not.toContain('6990');
    expect(await read('dimensions', { activeOnly: true })).toHaveLength(1);
    expect(
      (await read('profit-centers', { dimension: 1, where: { CostCenterType: 'RND' } })).map((c) => c.CenterCode),
    ).toEqual(['CC200', 'CC210']);
    expect(await read('employees', { activeOnly: true })).toHaveLength(36);
    expect(await read('projects', { activeOnly: true })).toHaveLength(26);
    await conn.close();
  });

  it('retries a read that failed transiently and fails fast on a bad request', async () => {
    emu = await startSapB1Emulator();
    const conn = await openTestConnection(emu);
    emu.faults.add({ method: 'GET', path: 'Projects', kind: '502-html' });
    emu.faults.add({ method: 'GET', path: 'Projects', kind: 'drop' });
    expect((await readAll(conn.source('projects', {}).read({}))).records).toHaveLength(30);
    expect(emu.counters.requests['GET Projects']).toBe(3);
    await expect(readAll(conn.source('projects', { where: { NoSuchField: 1 } }).read({}))).rejects.toMatchObject({
      code: 'SAP_B1_BAD_REQUEST',
      retryable: false,
    });
    await conn.close();
  });
});
