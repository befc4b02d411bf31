import { describe, expect, it } from 'vitest';
import { AuthError } from '../../engine/errors.js';
import type { HttpResponse } from '../../engine/runtime/http.js';
import { statusError } from './errors.js';

const res = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  body,
  headers,
  rawBody: JSON.stringify(body),
});
const ctx = (write: boolean) => ({ op: 'POST invoices', retryStatuses: new Set([429, 502, 503, 504]), now: 0, write });

describe('an HTTP answer as an error', () => {
  it('carries the remote message and code, and Retry-After', () => {
    const e = statusError(
      res(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '3' }),
      ctx(true),
    );
    expect([e.code, e.message, e.remoteCode, e.retryAfterMs, e.retryable, e.writeOutcome]).toEqual([
      'HTTP_RATE_LIMITED',
      'POST invoices: HTTP 429 (slow down)',
      'rate_limited',
      3000,
      true,
      'not-applied',
    ]);
  });

  it('a write: refused (4xx) is not applied; a 5xx may have been, unless configured as refused', () => {
    const cases = [400, 404, 409, 422, 503, 500, 502, 504].map((s) => {
      const e = statusError(res(s, { message: 'x' }), ctx(true));
      return [s, e.code, e.writeOutcome, e.retryable, e.reasonClass];
    });
    expect(cases).toEqual([
      [400, 'HTTP_REQUEST_REJECTED', 'not-applied', false, 'data'],
      [404, 'HTTP_NOT_FOUND', 'not-applied', false, 'data'],
      [409, 'HTTP_CONFLICT', 'not-applied', false, 'conflict'],
      [422, 'HTTP_REQUEST_REJECTED', 'not-applied', false, 'data'],
      [503, 'HTTP_UNAVAILABLE', 'unknown', true, 'transient'],
      [500, 'HTTP_SERVER_ERROR', 'unknown', true, 'transient'],
      [502, 'HTTP_SERVER_ERROR', 'unknown', true, 'transient'],
      [504, 'HTTP_SERVER_ERROR', 'unknown', true, 'transient'],
    ]);
  });

  it('refusedStatuses: a 503 the API documents as never processed is not in doubt', () => {
    const e = statusError(res(503, {}), { ...ctx(true), refusedStatuses: new Set([429, 503]) });
    expect([e.writeOutcome, e.retryable]).toEqual(['not-applied', true]);
  });

  it('a read is retryable only on the configured statuses; 401/403 are AuthErrors', () => {
    expect(statusError(res(500, {}), ctx(false)).retryable).toBe(false);
    expect(statusError(res(502, {}), ctx(false)).retryable).toBe(true);
    expect(statusError(res(502, {}), ctx(false)).writeOutcome).toBeUndefined();
    const auth = statusError(res(403, { error: 'forbidden' }), ctx(true));
    expect(auth).toBeInstanceOf(AuthError);
    expect([auth.code, auth.retryable, auth.writeOutcome]).toEqual(['AUTH_FAILED', false, 'not-applied']);
  });
});
