/**
 * The emulator's payloads against the real v1 $metadata (../shared/reference/specs/sap-b1/): every
 * entity it returns for every served entity set, in v1 and v2, and the payloads it accepts.
 */
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadProblems, referenceMetadata, referenceTypeOf } from './edm/reference.js';
import { SERVED_ENTITY_SETS } from './edm/model.js';
import { startSapB1Emulator, type SapB1Emulator } from './index.js';
import { testClient } from './testing.js';

const ACCEPTED: Record<string, Record<string, unknown>> = {
  JournalEntries: {
    ReferenceDate: '2024-04-30',
    DueDate: '2024-04-30T00:00:00Z',
    Memo: 'm',
    Reference: 'R',
    JournalEntryLines: [
      { AccountCode: '6110', Debit: 1, Credit: 0, CostingCode: 'CC100', LineMemo: 'x' },
      { ShortName: 'E1001', Debit: 0, Credit: 1 },
    ],
  },
  BusinessPartners: {
    CardCode: 'M1',
    CardName: 'Meta',
    CardType: 'S',
    CreditLimit: 10,
    Valid: 'tYES',
    EmailAddress: 'a@b',
  },
  ProfitCenters: {
    CenterCode: 'M1',
    CenterName: 'Meta',
    InWhichDimension: 1,
    CostCenterType: 'RND',
    EffectiveFrom: '2024-01-01',
  },
  Projects: { Code: 'M1', Name: 'Meta', ValidFrom: '2024-01-01', Active: 'Y' },
  IncomingPayments: {
    DocType: 'rCustomer',
    CardCode: 'C3001',
    TransferAccount: '1100',
    TransferSum: 5,
    TransferDate: '2024-05-01',
    PaymentInvoices: [{ DocEntry: 1, SumApplied: 5, InvoiceType: 'it_Invoice' }],
  },
  CreditNotes: {
    CardCode: 'C3002',
    DocDate: '2024-05-01',
    NumAtCard: 'CN',
    DocumentLines: [{ AccountCode: '4000', LineTotal: 5 }],
  },
  EmployeesInfo: { FirstName: 'Meta', LastName: 'Data', eMail: 'meta@northwind.example', Active: 'tYES' },
};

describe('emulator payloads against the real $metadata', () => {
  let emu: SapB1Emulator;
  beforeAll(async () => {
    emu = await startSapB1Emulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  for (const version of ['v1', 'v2'] as const) {
    it(`${version}: every entity of every served set has only metadata properties with values of their types`, async () => {
      const c = testClient(emu, version);
      await c.login();
      for (const set of SERVED_ENTITY_SETS) {
        const res = await c.request('GET', set, { headers: { Prefer: 'odata.maxpagesize=0' } });
        expect(res.status, `${set}: ${res.text.slice(0, 200)}`).toBe(200);
        const type = referenceTypeOf(set);
        for (const entity of res.json.value as Record<string, unknown>[]) {
          expect(payloadProblems(type, entity, `${version}-response`), set).toEqual([]);
        }
      }
    });
  }

  it('accepts create payloads that fit the metadata, and returns the created entities in metadata shape', async () => {
    const c = testClient(emu, 'v2');
    await c.login();
    for (const [set, body] of Object.entries(ACCEPTED)) {
      const type = referenceTypeOf(set);
      expect(payloadProblems(type, body, 'request'), `${set} request`).toEqual([]);
      const res = await c.request('POST', set, { body });
      expect(res.status, `${set}: ${res.text.slice(0, 300)}`).toBe(201);
      expect(payloadProblems(type, res.json, 'v2-response'), `${set} response`).toEqual([]);
    }
  });

  it('the checker itself catches unknown properties and wrong types', () => {
    expect(
      payloadProblems('JournalEntry', { Memmo: 'x', JdtNum: 'one', JournalEntryLines: [{ Debit: '1' }] }, 'request'),
    ).toEqual([
      'JournalEntry.Memmo: not a property of JournalEntry',
      'JournalEntry.JdtNum: "one" is not a valid Edm.Int32',
      'JournalEntry.JournalEntryLines[0].Debit: "1" is not a valid Edm.Double',
    ]);
    expect(
      payloadProblems('BusinessPartner', { CardType: 'cVendor', CreateDate: '2024-01-01' }, 'v2-response'),
    ).toHaveLength(2);
  });

  it('serves $metadata with the same entity types as the real document (user-defined fields aside)', async () => {
    const c = testClient(emu, 'v1');
    const xml = (await c.request('GET', '$metadata')).text;
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (n, _p, _l, attr) => !attr && ['EntityType', 'Property', 'EntitySet'].includes(n),
    });
    const schema = parser.parse(xml)['edmx:Edmx']['edmx:DataServices'].Schema;
    const ref = referenceMetadata();
    for (const t of schema.EntityType as { Name: string; Property: { Name: string; Type: string }[] }[]) {
      if (t.Name === 'B1Session') continue;
      const expected = Object.entries(ref.entityTypes.get(t.Name)?.properties ?? {}).filter(
        ([n]) => !n.startsWith('U_'),
      );
      expect(
        t.Property.map((p) => [p.Name, p.Type]),
        t.Name,
      ).toEqual(expected);
    }
    const v2 = await testClient(emu, 'v2').request('GET', '$metadata');
    expect(v2.text).toContain('Version="4.0"');
    expect(v2.text).toContain('<Property Name="ReferenceDate" Type="Edm.DateTimeOffset"/>');
  });
});
