import { describe, expect, it } from 'vitest';
import { AuthError } from '../../engine/errors.js';
import type { HttpResponse } from '../../engine/runtime/http.js';
import { describeBody, httpError, oauthError } from './errors.js';

function res(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, body, headers, rawBody: JSON.stringify(body) };
}

describe('concur error mapping', () => {
  it("reads each API family's error body", () => {
    expect(
      describeBody('oauth', { code: 5, error: 'invalid_grant', error_description: 'incorrect credentials' }),
    ).toEqual({ message: 'invalid_grant: incorrect credentials', remoteCode: '5' });
    expect(
      describeBody('v3', { Error: { Message: 'Report not found', 'Server-Time': '2019-03-12T07:56:32', Id: 'ABC' } }),
    ).toEqual({ message: 'Report not found', remoteCode: 'ABC' });
    expect(describeBody('vendors', { Message: 'vendorCode and addressCode are required' }).message).toBe(
      'vendorCode and addressCode are required',
    );
    expect(
      describeBody('list', {
        timestamp: 't',
        httpStatus: '400 - Bad Request',
        error: { id: 'request.validation.failed', message: 'Validation failed' },
        validationErrors: [{ source: 'requests', message: 'size must be between 1 and 250' }],
        path: '/x',
      }),
    ).toEqual({
      message: 'Validation failed - requests: size must be between 1 and 250',
      remoteCode: 'request.validation.failed',
    });
    expect(describeBody('fis', { message: 'Invalid docType', fiReturnCode: 198 })).toEqual({
      message: 'Invalid docType',
      remoteCode: '198',
    });
    expect(
      describeBody('scim', { schemas: [], status: '409', scimType: 'uniqueness', detail: 'userName in use' }),
    ).toEqual({ message: 'userName in use', remoteCode: 'uniqueness' });
    expect(
      describeBody('scim', {
        'urn:ietf:params:scim:api:messages:concur:2.0:Error': {
          messages: [{ code: 'x', message: 'bad spend data', type: 'error' }],
        },
      }).message,
    ).toBe('bad spend data');
  });

  it('says whether a retry can help, and after how long', () => {
    expect(httpError('list', 'op', res(429, {}, { 'retry-after': '0' }))).toMatchObject({
      code: 'CONCUR_RATE_LIMITED',
      retryable: true,
      retryAfterMs: 0,
    });
    expect(httpError('v3', 'op', res(503, {}, { 'retry-after': '300' }))).toMatchObject({
      code: 'CONCUR_UNAVAILABLE',
      retryable: true,
      retryAfterMs: 300_000,
    });
    expect(httpError('v3', 'op', res(502, {}))).toMatchObject({ code: 'CONCUR_SERVER_ERROR', retryable: true });
    expect(
      httpError('v3', 'op', res(400, { Error: { Message: 'Transaction was deadlocked on lock resources' } })),
    ).toMatchObject({ retryable: true });
    expect(httpError('v3', 'op', res(400, { Error: { Message: 'Invalid value' } }))).toMatchObject({
      code: 'CONCUR_BAD_REQUEST',
      retryable: false,
    });
    expect(httpError('fis', 'op', res(404, { message: 'x' }))).toMatchObject({
      code: 'CONCUR_NOT_FOUND',
      retryable: false,
    });
    expect(httpError('scim', 'op', res(403, {}))).toBeInstanceOf(AuthError);
  });

  it('maps OAuth codes: credentials need an operator, maintenance can pass', () => {
    const bad = oauthError(
      'token',
      res(400, { code: 108, error: 'invalid_grant', error_description: 'refresh token revoked' }),
    );
    expect(bad).toBeInstanceOf(AuthError);
    expect(bad).toMatchObject({ remoteCode: '108', retryable: false });
    expect(oauthError('token', res(401, { code: 64, error: 'invalid_client' }))).toBeInstanceOf(AuthError);
    expect(
      oauthError('token', res(400, { code: 134, error: 'invalid_request', error_description: 'company maintenance' })),
    ).toMatchObject({ retryable: true });
  });

  it('says whether the remote may have applied the request (writeOutcome)', () => {
    const outcome = (status: number, body: unknown = {}) => httpError('list', 'op', res(status, body)).writeOutcome;
    for (const status of [400, 401, 403, 404, 405, 409, 413, 422, 429]) expect(outcome(status)).toBe('not-applied');
    for (const status of [408, 500, 502, 503, 504]) expect(outcome(status)).toBe('unknown');
    // A deadlock answered with 400 was rolled back: retryable, and nothing was applied.
    expect(
      httpError('v3', 'op', res(400, { Error: { Message: 'Transaction was deadlocked on lock resources' } })),
    ).toMatchObject({ retryable: true, writeOutcome: 'not-applied' });
  });
});
