/** The SAP Business One half of the contract check catches what a real Service Layer would refuse or mis-book. */
import { describe, expect, it } from 'vitest';
import { checkTraffic, formatMismatches, type Mismatch, type TestExchange } from './check.js';

const COOKIE = { cookie: 'B1SESSION=[redacted]; ROUTEID=[redacted]' };
const V2_JSON = { 'content-type': 'application/json;odata.metadata=minimal;charset=utf-8', 'odata-version': '4.0' };

function b1(
  method: string,
  url: string,
  body: unknown = undefined,
  response?: { status: number; body?: unknown; headers?: Record<string, string> },
  headers: Record<string, string> = {},
): TestExchange {
  const text = (b: unknown): string => (b === undefined ? '' : typeof b === 'string' ? b : JSON.stringify(b));
  return {
    system: 'sap-b1',
    test: 'a test',
    requestId: 1,
    at: 0,
    request: {
      method,
      url,
      headers: { ...COOKIE, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      body: text(body),
    },
    ...(response && {
      response: { status: response.status, headers: response.headers ?? V2_JSON, body: text(response.body) },
    }),
  };
}

const messages = (ms: Mismatch[]): string[] => ms.map((m) => m.message);
const entry = (lines: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ReferenceDate: '2025-02-06',
  Reference: 'CONCUR-ER-1',
  JournalEntryLines: lines,
  ...extra,
});
const line = { AccountCode: '6110', Debit: 10, LineMemo: 'Airfare' };

describe('the SAP B1 contract check', () => {
  it('passes a journal entry the $metadata describes, and its 201 answer', () => {
    const answer = {
      '@odata.context': 'x',
      JdtNum: 4,
      Number: 4,
      Series: 0,
      ReferenceDate: '2025-02-06T00:00:00Z',
      Printed: 'psNo',
      JournalEntryLines: [{ Line_ID: 0, AccountCode: '6110', Debit: 10, Credit: 0 }],
    };
    const x = b1('POST', '/b1s/v2/JournalEntries', entry([line, { ShortName: 'E1001', Credit: 10 }]), {
      status: 201,
      body: answer,
    });
    expect(checkTraffic([x])).toEqual([]);
  });

  it('catches a wrong property name, in the header and in a line', () => {
    const x = b1('POST', '/b1s/v2/JournalEntries', entry([{ ...line, CostCenter: 'CC100' }], { Remarks: 'x' }));
    expect(messages(checkTraffic([x]))).toEqual([
      'body/JournalEntryLines/0/CostCenter is not a property of JournalEntryLine',
      'body/Remarks is not a property of JournalEntry',
    ]);
  });

  it('catches a wrong type: an amount as a string, a line collection as an object', () => {
    const x = b1('POST', '/b1s/v2/JournalEntries', entry([{ ...line, Debit: '10.00' }]));
    const y = b1('POST', '/b1s/v2/JournalEntries', entry(line as unknown as unknown[]));
    const found = checkTraffic([x, y]);
    expect(messages(found)).toEqual([
      'body/JournalEntryLines/0/Debit is "10.00", expected a number (Edm.Double)',
      expect.stringMatching(
        /^body\/JournalEntryLines is \{"AccountCode".*, expected a collection of JournalEntryLine$/,
      ),
    ]);
    expect(found[0]!.spec).toBe('metadata-v1.xml: ComplexType JournalEntryLine');
  });

  it('catches an unknown enum value in a body and answers that serialise the stored value', () => {
    const bp = { CardCode: 'V1', CardName: 'Acme', CardType: 'cVendor' };
    const stored = b1(
      'POST',
      '/b1s/v2/BusinessPartners',
      { ...bp, CardType: 'S' },
      { status: 201, body: { ...bp, CardType: 'S' } },
    );
    const found = checkTraffic([b1('POST', '/b1s/v2/BusinessPartners', bp), stored]);
    expect(found.map((m) => `${m.side} ${m.message}`)).toEqual([
      'request body/CardType is "cVendor", expected a member of BoCardTypes: cCustomer, cSupplier, cLid (or C, S, L)',
      'response body/CardType is "S", expected a member of BoCardTypes: cCustomer, cSupplier, cLid',
    ]);
  });

  it('catches a null where the $metadata says Nullable="false", and a read-only property sent', () => {
    const answer = b1('GET', '/b1s/v2/JournalEntries(4)', undefined, {
      status: 200,
      body: { JdtNum: 4, Series: null },
    });
    const write = b1('PATCH', '/b1s/v2/JournalEntries(4)', { Memo: 'x', Number: 7 });
    expect(messages(checkTraffic([answer, write]))).toEqual([
      'body/Series is null; Edm.Int32 is Nullable="false"',
      'body/Number is read-only (Writable="false"): the Service Layer ignores it',
    ]);
  });

  it('catches unknown properties and mistyped literals in $filter, $select and $orderby', () => {
    const q = (query: string): TestExchange => b1('GET', `/b1s/v2/BusinessPartners?${query}`);
    const found = checkTraffic([
      q("$filter=CardTyp%20eq%20'cSupplier'"),
      q("$filter=CardType%20eq%20'cVendor'%20and%20GroupCode%20eq%20'100'"),
      q('$filter=startswith(CardName,%27A%27)%20or%20Frozen%20eq%20true'),
      q('$select=CardCode,Name&$orderby=CardCode%20asc,UpdateDat%20desc&$top=x'),
      q('$inlinecount=allpages'),
    ]);
    expect(messages(found)).toEqual([
      '$filter: CardTyp is not a property of BusinessPartner',
      "$filter: CardType (SAPB1.BoCardTypes) compared with 'cVendor': expected a member of BoCardTypes: cCustomer, cSupplier, cLid (or C, S, L)",
      "$filter: GroupCode (Edm.Int32) compared with '100': expected an integer (Edm.Int32)",
      '$filter: Frozen (SAPB1.BoYesNoEnum) compared with true: a member name of BoYesNoEnum (tNO, tYES)',
      '$select: Name is not a property of BusinessPartner',
      '$orderby: UpdateDat is not a property of BusinessPartner',
      '$top=x is not a count',
      '$inlinecount is not a v2 query option ($filter, $select, $orderby, $top, $skip, $expand, $count, $apply)',
    ]);
  });

  it('accepts the documented filter literal forms: enum name or value, typed enum, dates, null', () => {
    const q = (filter: string): TestExchange =>
      b1('GET', `/b1s/v2/JournalEntries?$filter=${encodeURIComponent(filter)}`);
    const ok = [
      "UseAutoStorno eq 'tYES' or UseAutoStorno eq 'Y'",
      "UseAutoStorno eq SAPB1.BoYesNoEnum'tNO'",
      "ReferenceDate ge '2024-01-31' and ReferenceDate le 2024-12-31 and DueDate eq '20240423'",
      "Memo eq null and (Reference eq 'it''s' or not (JdtNum gt 5))",
      "substringof('CONCUR', Reference)",
    ];
    expect(checkTraffic(ok.map(q))).toEqual([]);
  });

  it('catches answers that return properties $select did not ask for, and v1 annotations in v2', () => {
    const x = b1('GET', '/b1s/v2/Projects?$select=Code,Name', undefined, {
      status: 200,
      body: { 'odata.metadata': 'x', value: [{ Code: 'P1', Name: 'One', Active: 'tYES' }] },
    });
    expect(messages(checkTraffic([x]))).toEqual([
      'body/odata.metadata is not a v2 annotation',
      'body/value/0/Active was returned although $select did not ask for it',
    ]);
  });

  it('catches unknown resources, wrong keys, unbound actions and function import parameters', () => {
    const found = checkTraffic([
      b1('GET', '/b1s/v2/JournalEntry(4)'),
      b1('GET', "/b1s/v2/JournalEntries('4')"),
      b1('POST', '/b1s/v2/Projects(%27P1%27)/Cancel'),
      b1('POST', '/b1s/v2/JournalEntries(4)/Cancel'),
      b1('POST', '/b1s/v2/SBOBobService_GetCurrencyRate', { Currency: 'EUR', Date: '20250206', Rate: 1 }),
    ]);
    expect(messages(found)).toEqual([
      'JournalEntry is neither an entity set nor a function import of the $metadata',
      "key '4': JdtNum is Edm.Int32",
      expect.stringMatching(
        /^Projects\(\.\.\)\/Cancel is not a bound action of Project \(Cancel binds to .*JournalEntry.*\)$/,
      ),
      'body/Rate is not a parameter of SBOBobService_GetCurrencyRate (it has Currency, Date)',
    ]);
  });

  it('checks every part of a $batch and its answer, and the batch rules of v2', () => {
    const part = (id: string | undefined, body: unknown): string =>
      [
        '--changeset_1',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        ...(id ? [`Content-ID: ${id}`] : []),
        '',
        'POST /b1s/v2/JournalEntries HTTP/1.1',
        'Content-Type: application/json',
        '',
        JSON.stringify(body),
      ].join('\r\n');
    const body = [
      '--batch_1',
      'Content-Type: multipart/mixed;boundary=changeset_1',
      '',
      part('1', entry([line])),
      part(undefined, entry([{ ...line, Debit: 'ten' }])),
      '--changeset_1--',
      '--batch_1--',
      '',
    ].join('\r\n');
    const answer = [
      '--batchresponse_1',
      'Content-Type: application/http',
      '',
      'HTTP/1.1 400 Bad Request',
      'Content-Type: application/json;odata.metadata=minimal;charset=utf-8',
      '',
      JSON.stringify({ error: { code: -10, message: 'unbalanced' } }),
      '--batchresponse_1--',
    ].join('\r\n');
    const x = b1(
      'POST',
      '/b1s/v2/$batch',
      undefined,
      { status: 200, body: answer, headers: { 'content-type': 'multipart/mixed;boundary=batchresponse_1' } },
      { 'content-type': 'multipart/mixed;boundary=batch_1' },
    );
    x.request.body = body;
    const found = checkTraffic([x]);
    expect(found.map((m) => `${m.request.replace(/^POST \/b1s\/v2\/\$batch /, '')}: ${m.message}`)).toEqual([
      'part 1: POST /b1s/v2/JournalEntries: v2 error code is -10, a string in v2',
      'part 2: POST /b1s/v2/JournalEntries: no Content-ID: mandatory in v2 change sets (sap-b1-service-layer.md §7)',
      'part 2: POST /b1s/v2/JournalEntries: body/JournalEntryLines/0/Debit is "ten", expected a number (Edm.Double)',
    ]);
  });

  it('does not judge the answers of injected faults, and says which test and request broke the spec', () => {
    const faulted = {
      ...b1('POST', '/b1s/v2/JournalEntries', entry([line]), { status: 502, body: '<html>' }),
      fault: '502-html',
    };
    expect(checkTraffic([faulted])).toEqual([]);
    const text = formatMismatches(checkTraffic([b1('GET', '/b1s/v2/Projects?$select=Cod')]), 'x.test.ts');
    expect(text).toBe(
      [
        '1 contract mismatch(es) in x.test.ts (see test/contract/README.md):',
        '  test: a test',
        '    sap-b1 request GET /b1s/v2/Projects?$select=Cod',
        '      $select: Cod is not a property of Project',
        '      spec: metadata-v1.xml',
      ].join('\n'),
    );
  });
});
