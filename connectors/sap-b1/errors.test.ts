import { describe, expect, it } from 'vitest';
import { AuthError, ConnectorError } from '../../engine/errors.js';
import { parseErrorBody, serviceLayerError } from './errors.js';

const v1 = (code: number, value: string) => ({ error: { code, message: { lang: 'en-us', value } } });
const v2 = (code: string, message: string) => ({ error: { code, message } });

describe('Service Layer errors', () => {
  it('parses both error shapes, details and inner errors', () => {
    expect(parseErrorBody(v1(-10, 'bad'))).toEqual({ code: '-10', message: 'bad' });
    expect(parseErrorBody(v2('-2039', 'etag'))).toEqual({ code: '-2039', message: 'etag' });
    expect(
      parseErrorBody({ error: { code: '-1', message: 'outer', details: [{ code: '-5', message: 'inner' }] } }),
    ).toEqual({ code: '-1', message: 'outer (inner)' });
    expect(
      parseErrorBody({ error: { code: -1000, message: { lang: 'en-us', value: 'x' }, innererror: { context: null } } }),
    ).toEqual({ code: '-1000', message: 'x' });
    expect(parseErrorBody('<html>')).toEqual({ code: undefined, message: undefined });
    expect(parseErrorBody(undefined)).toEqual({ code: undefined, message: undefined });
  });

  it.each([
    [400, v1(-10, 'Unbalanced'), 'SAP_B1_BUSINESS_RULE', false],
    [400, v2('-10', 'Unbalanced'), 'SAP_B1_BUSINESS_RULE', false],
    [400, v1(-5006, 'not supported'), 'SAP_B1_NOT_SUPPORTED', false],
    [400, v2('-5002', '10000156 - Posting Date deviates from the defined range'), 'SAP_B1_PERIOD_CLOSED', false],
    [400, v2('-1000', 'Property invalid'), 'SAP_B1_BAD_REQUEST', false],
    [404, v1(-2028, 'No matching records found'), 'SAP_B1_NOT_FOUND', false],
    [412, v2('-2039', 'Another user modified'), 'SAP_B1_ETAG_MISMATCH', false],
    [401, v1(301, 'Invalid session'), 'SAP_B1_SESSION_EXPIRED', true],
    [500, v1(299, 'SAML Login Failed'), 'SAP_B1_LOGIN_CONFLICT', true],
    [500, undefined, 'SAP_B1_SERVER_ERROR', true],
    [502, '<html>Proxy Error</html>', 'SAP_B1_SERVER_ERROR', true],
    [503, v2('-1', 'Service Unavailable'), 'SAP_B1_SERVER_ERROR', true],
    [429, undefined, 'SAP_B1_SERVER_ERROR', true],
  ])('HTTP %i %j → %s (retryable %s)', (status, body, code, retryable) => {
    const err = serviceLayerError(
      'POST JournalEntries',
      status,
      body,
      typeof body === 'string' ? body : body ? JSON.stringify(body) : '',
    );
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retryable);
    expect(err.status).toBe(status);
    expect(err.message).toMatch(/^POST JournalEntries: /);
  });

  it('describes bodies without a message', () => {
    expect(serviceLayerError('GET X', 502, '<html>..', '<html>..').message).toBe(
      'GET X: HTTP 502 with an HTML page (proxy error)',
    );
    expect(serviceLayerError('GET X', 500, undefined, '').message).toBe('GET X: HTTP 500 with an empty body');
    expect(serviceLayerError('GET X', 400, v1(-10, 'Bad thing'), '').message).toBe('GET X: Bad thing (code -10)');
  });

  it('maps rejected credentials (-304, -306) to AuthError, never retryable', () => {
    for (const code of [-304, -306]) {
      const err = serviceLayerError('POST Login', 401, v1(code, 'Fail to NONE-SSO login from SLD.'), '');
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe('AUTH_FAILED');
      expect(err.retryable).toBe(false);
      expect(err.remoteCode).toBe(String(code));
    }
  });

  it('carries Retry-After', () => {
    expect(serviceLayerError('GET X', 503, undefined, '', 2000).retryAfterMs).toBe(2000);
  });
});
