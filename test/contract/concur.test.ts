/** The Concur half of the contract check catches what a real Concur would refuse, and only that. */
import { describe, expect, it } from 'vitest';
import { checkTraffic, type Mismatch, type TestExchange } from './check.js';
import { SPEC_CORRECTIONS } from './allowlist.js';
import { OPEN_FINDINGS, formatOpenFindings, triage, type OpenFinding } from './open-findings.js';

const JSON_TYPE = { 'content-type': 'application/json' };

function concur(
  method: string,
  url: string,
  body?: unknown,
  response?: { status: number; body?: unknown },
): TestExchange {
  return {
    system: 'concur',
    test: 'a test',
    requestId: 1,
    at: 0,
    request: {
      method,
      url,
      headers: { authorization: 'Bearer [redacted]', ...(body !== undefined && JSON_TYPE) },
      body: body === undefined ? '' : JSON.stringify(body),
    },
    ...(response && {
      response: {
        status: response.status,
        headers: JSON_TYPE,
        body: response.body === undefined ? '' : JSON.stringify(response.body),
      },
    }),
  };
}

const messages = (ms: Mismatch[]): string[] => ms.map((m) => m.message);
const BULK = '/list/v4/lists/4a79c023-4ce6-471c-a9e6-708750a17ef0/bulk';
const vendor = { VendorCode: 'V1', AddressCode: 'MAIN', VendorName: 'Acme', CountryCode: 'US', CurrencyCode: 'USD' };

describe('the Concur contract check', () => {
  it('passes requests and answers the specs describe', () => {
    const found = checkTraffic([
      concur(
        'POST',
        BULK,
        { requests: [{ shortCode: 'CC1', value: 'One', parentCode: 'SALES' }] },
        {
          status: 201,
          body: { status: 'SUCCESS', recordsSucceeded: 1, recordsFailed: 0, errors: [] },
        },
      ),
      concur('POST', '/api/v3.1/invoice/vendors', { Vendor: [vendor] }),
      concur('GET', '/list/v4/lists?value=Projects&page=1'),
    ]);
    expect(found).toEqual([]);
  });

  it('catches a wrong property name, naming the properties the spec has', () => {
    const found = checkTraffic([concur('POST', BULK, { requests: [{ shortCode: 'CC1', name: 'One' }] })]);
    expect(messages(found)).toEqual([
      'body/requests/0/value is missing; the spec requires it',
      'body/requests/0/name is not a property the spec defines (it has shortCode, value, parentCode)',
    ]);
    expect(found[1]!.spec).toBe('v4-0/ListItemBulk.swagger2.json#/definitions/BulkListItemCreateRequestPart');
  });

  it('catches a wrong type and an unknown enum value, in requests and in answers', () => {
    const found = checkTraffic([
      concur(
        'POST',
        BULK,
        { requests: [{ shortCode: 1, value: 'One' }] },
        {
          status: 201,
          body: { status: 'DONE', recordsSucceeded: '1', recordsFailed: 0 },
        },
      ),
    ]);
    expect(found.map((m) => `${m.side} ${m.message}`)).toEqual([
      'request body/requests/0/shortCode is integer 1, the spec says string',
      'response body/status "DONE" is not one of the spec\'s values ["SUCCESS","PARTIAL_SUCCESS","FAILURE"]',
      'response body/recordsSucceeded is string "1", the spec says integer',
    ]);
  });

  it('catches a missing required field (Vendor v3.1 needs CurrencyCode)', () => {
    const { CurrencyCode: _c, ...partial } = vendor;
    expect(messages(checkTraffic([concur('PUT', '/api/v3.1/invoice/vendors', { Vendor: [partial] })]))).toEqual([
      'body/Vendor/0/CurrencyCode is missing; the spec requires it (no anyOf branch fits)',
    ]);
  });

  it('catches operations and query parameters no spec defines', () => {
    const found = checkTraffic([
      concur('GET', '/list/v4/lists/4a79c023-4ce6-471c-a9e6-708750a17ef0/items?page=1'),
      concur('DELETE', BULK),
      concur('GET', '/list/v4/lists/4a79c023-4ce6-471c-a9e6-708750a17ef0/children?page=one&deleted=true'),
    ]);
    expect(messages(found)).toEqual([
      expect.stringMatching(/^no operation of the vendored specs is GET \/list\/v4\/lists\/[-\w]+\/items \(nearest: /),
      'no operation of the vendored specs is DELETE /list/v4/lists/4a79c023-4ce6-471c-a9e6-708750a17ef0/bulk (the spec has POST /list/v4/lists/{listId}/bulk, PATCH /list/v4/lists/{listId}/bulk)',
      'query parameter page: "one" is not an integer',
      'query parameter deleted is not one the spec defines (it has hasChildren, isDeleted, page, shortCode, shortCodeOrValue, sortBy, sortDirection, value)',
    ]);
  });

  it('maps the documented path contradictions (OAuth, FIS base) onto the spec operations', () => {
    const token = concur('POST', '/oauth2/v0/token', undefined, {
      status: 200,
      body: { access_token: 'x', token_type: 'Bearer', expires_in: 3600, refresh_expires_in: 1, id_token: 'y' },
    });
    token.request.headers['content-type'] = 'application/x-www-form-urlencoded';
    token.request.body = 'grant_type=password';
    const fis = '/financialintegration/fi/v4/companies/transactiontypes/expense/transactions';
    const found = checkTraffic([
      token,
      concur('POST', `${fis}/acknowledgements`, { systemId: 'sluice', ids: ['a'] }),
      concur('POST', `${fis}/postingconfirmations`, {
        postingConfirmations: [{ docId: 'a', overallPostingStatusCode: 'posted' }],
      }),
    ]);
    expect(messages(found)).toEqual([
      'body/postingConfirmations/0/overallPostingStatusCode "posted" is not one of the spec\'s values ["success","error"]',
    ]);
  });

  it('has a reason for every spec correction and evidence for every open finding, matched narrowly', () => {
    for (const c of SPEC_CORRECTIONS) expect(c.reason.length, c.file).toBeGreaterThan(40);
    for (const f of OPEN_FINDINGS) expect(f.evidence.length).toBeGreaterThan(40);
    const finding: OpenFinding = {
      system: 'concur',
      request: /^POST \/profile\/v4\/Bulk$/,
      message: /^body\/Operations\/\d+\/data\/timezone is missing; the spec requires it/,
      evidence: 'a planted finding: what an open finding with evidence and an owner looks like',
      owner: 'test',
    };
    const found = checkTraffic([
      concur('POST', '/profile/v4/Bulk', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          {
            method: 'POST',
            bulkId: 'b1',
            path: '/Users',
            data: { userName: 'a@example.com', preferredLanguage: 'en-US' },
          },
        ],
      }),
    ]);
    const { failing, open } = triage(found, [finding]);
    expect(open.map((o) => o.mismatch.message)).toEqual([
      expect.stringMatching(/^body\/Operations\/0\/data\/timezone is missing; the spec requires it/),
    ]);
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.map((m) => m.message).join('\n')).not.toContain('timezone');
    expect(formatOpenFindings(open, 'x.test.ts')).toContain('1 open contract finding(s) hit in x.test.ts');
    expect(triage(found, []).open).toEqual([]);
  });
});
