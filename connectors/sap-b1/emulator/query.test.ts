import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSapB1Emulator, type SapB1Emulator } from './index.js';
import { testClient, type TestClient } from './testing.js';

const projects = Array.from({ length: 45 }, (_, i) => ({
  Code: `Q${String(i + 1).padStart(3, '0')}`,
  Name: `Seeded ${i + 1}`,
  Active: i % 3 === 0 ? 'tNO' : 'tYES',
}));

describe('emulator queries and paging', () => {
  let emu: SapB1Emulator;
  let v1: TestClient;
  let v2: TestClient;
  beforeAll(async () => {
    emu = await startSapB1Emulator({ seed: { Projects: projects } });
    v1 = testClient(emu, 'v1');
    v2 = testClient(emu, 'v2');
    await v1.login();
    await v2.login();
  });
  afterAll(async () => {
    await emu.close();
  });

  it('pages by 20 by default; v1 nextLink is /b1s/v1/..., v2 is relative; both repeat the options and add $skip', async () => {
    const a = await v1.request('GET', "Projects?$filter=startswith(Code,'Q')&$orderby=Code");
    expect(a.json.value).toHaveLength(20);
    // fetch sends ' as %27; the nextLink repeats the options exactly as sent.
    expect(a.json['odata.nextLink']).toBe('/b1s/v1/Projects?$filter=startswith(Code,%27Q%27)&$orderby=Code&$skip=20');
    const b = await v2.request('GET', "Projects?$filter=startswith(Code,'Q')&$orderby=Code");
    expect(decodeURIComponent(b.json['@odata.nextLink'])).toBe(
      "Projects?$filter=startswith(Code,'Q')&$orderby=Code&$skip=20",
    );
    const last = await v2.request('GET', "Projects?$filter=startswith(Code,'Q')&$orderby=Code&$skip=40");
    expect(last.json.value.map((p: { Code: string }) => p.Code)).toEqual(['Q041', 'Q042', 'Q043', 'Q044', 'Q045']);
    expect(last.json['@odata.nextLink']).toBeUndefined();
  });

  it('honours Prefer: odata.maxpagesize (answering Preference-Applied), B1S-PageSize, and 0 = no paging', async () => {
    const a = await v2.request('GET', 'Projects', { headers: { Prefer: 'odata.maxpagesize=7' } });
    expect(a.json.value).toHaveLength(7);
    expect(a.headers.get('preference-applied')).toBe('odata.maxpagesize=7');
    const b = await v1.request('GET', 'Projects', { headers: { 'B1S-PageSize': '9' } });
    expect(b.json.value).toHaveLength(9);
    const c = await v1.request('GET', 'Projects', { headers: { Prefer: 'odata.maxpagesize=0' } });
    expect(c.json.value).toHaveLength(75);
    expect(c.json['odata.nextLink']).toBeUndefined();
  });

  it('carries the remaining $top in nextLink and stops when $top fits', async () => {
    const a = await v2.request('GET', 'Projects?$top=50', { headers: { Prefer: 'odata.maxpagesize=20' } });
    expect(a.json['@odata.nextLink']).toBe('Projects?$top=30&$skip=20');
    const b = await v2.request('GET', 'Projects?$top=30&$skip=20', { headers: { Prefer: 'odata.maxpagesize=20' } });
    expect(b.json['@odata.nextLink']).toBe('Projects?$top=10&$skip=40');
    expect((await v2.request('GET', 'Projects?$top=5')).json['@odata.nextLink']).toBeUndefined();
  });

  it('counts: /$count as text, $inlinecount=allpages as a string (v1), $count=true as a number (v2)', async () => {
    const n = await v1.request('GET', "Projects/$count?$filter=Active eq 'tNO'");
    expect(n.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(n.text).toBe('19');
    expect(
      (await v1.request('GET', "Projects?$filter=Active eq 'N'&$inlinecount=allpages&$top=1")).json['odata.count'],
    ).toBe('19');
    expect((await v2.request('GET', "Projects?$filter=Active eq 'tNO'&$count=true&$top=1")).json['@odata.count']).toBe(
      19,
    );
    expect((await v1.request('GET', 'Projects?$inlinecount=some')).status).toBe(400);
  });

  it('$select returns only the selected properties; without it every property of the type is present', async () => {
    const sel = await v2.request('GET', "BusinessPartners?$select=CardCode,CardName&$filter=CardCode eq 'C3001'");
    expect(sel.json.value[0]).toEqual({
      '@odata.etag': expect.stringMatching(/^W\/"[0-9A-F]{40}"$/),
      CardCode: 'C3001',
      CardName: 'Apex Research Labs',
    });
    const all = await v2.request('GET', "BusinessPartners('C3001')");
    expect(all.json).toHaveProperty('Phone1', null);
    expect(all.json).toHaveProperty('BPAddresses', []);
    expect((await v2.request('GET', 'BusinessPartners?$select=Nope')).status).toBe(400);
  });

  it('$orderby sorts ascending and descending on several properties', async () => {
    const res = await v1.request('GET', "Projects?$filter=startswith(Code,'Q')&$orderby=Active desc,Code desc&$top=3");
    expect(res.json.value.map((p: { Code: string }) => p.Code)).toEqual(['Q045', 'Q044', 'Q042']);
    expect((await v1.request('GET', 'Projects?$orderby=Code sideways')).status).toBe(400);
  });

  it('addresses entities by key: quoted string, named key, integer', async () => {
    expect((await v2.request('GET', "BusinessPartners('V2001')")).json.CardName).toBe('Acme Components');
    expect((await v2.request('GET', "BusinessPartners(CardCode='V2001')")).json.CardName).toBe('Acme Components');
    expect((await v1.request('GET', 'JournalEntries(2)')).json.Memo).toBe('Office supplies January');
    const missing = await v1.request('GET', 'JournalEntries(999)');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe(-2028);
    expect((await v1.request('GET', 'JournalEntries(abc)')).status).toBe(400);
  });

  it('escapes quotes in keys and filters with a doubled quote', async () => {
    const created = await v2.request('POST', 'BusinessPartners', {
      body: { CardCode: "O'B1", CardName: "O'Brien & Sons", CardType: 'cSupplier' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${emu.url}/b1s/v2/BusinessPartners('O''B1')`);
    expect((await v2.request('GET', "BusinessPartners('O''B1')")).json.CardName).toBe("O'Brien & Sons");
    const q = encodeURIComponent("CardName eq 'O''Brien & Sons'");
    expect((await v2.request('GET', `BusinessPartners?$filter=${q}`)).json.value).toHaveLength(1);
  });

  it('filters enums by name or value and dates in any accepted form', async () => {
    const byValue = await v1.request('GET', "BusinessPartners/$count?$filter=CardType eq 'C'");
    const byName = await v1.request('GET', "BusinessPartners/$count?$filter=CardType eq 'cCustomer'");
    expect(byValue.text).toBe('10');
    expect(byName.text).toBe('10');
    const d = await v2.request(
      'GET',
      "JournalEntries?$filter=ReferenceDate ge '20240131' and ReferenceDate lt datetime'2024-02-16T00:00:00'&$select=JdtNum",
    );
    expect(d.json.value).toEqual([{ JdtNum: 2 }, { JdtNum: 3 }]);
  });

  it('honours B1S-CaseInsensitive', async () => {
    const q = "BusinessPartners/$count?$filter=CardName eq 'acme components'";
    expect((await v2.request('GET', q)).text).toBe('0');
    expect((await v2.request('GET', q, { headers: { 'B1S-CaseInsensitive': 'true' } })).text).toBe('1');
  });

  it('answers unknown entity sets with 404 and unsupported query options with 400', async () => {
    expect((await v2.request('GET', 'Orders')).status).toBe(404);
    expect((await v2.request('GET', 'Projects?$apply=x')).status).toBe(400);
    expect((await v2.request('GET', 'Projects?$filter=length(Code) eq 4')).status).toBe(400);
  });

  it('lists the entity sets in the service document', async () => {
    const res = await v1.request('GET', '');
    expect(res.json.value).toContainEqual({ name: 'JournalEntries', kind: 'EntitySet', url: 'JournalEntries' });
  });
});
