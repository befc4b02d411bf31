import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectorError, SluiceError } from '../../engine/errors.js';
import { CallCounter, HttpClient } from '../../engine/runtime/http.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { classifiedAfterSend, networkOutcome, withOutcome } from './write-outcome.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const network = (cause: unknown): ConnectorError =>
  new ConnectorError('NETWORK_ERROR', 'op: failed', { retryable: true, cause });

describe('network failures: was anything sent?', () => {
  it('a refused connection (a real one, through the HTTP client) sent nothing', async () => {
    const http = new HttpClient({ counter: new CallCounter(), logger: silentLogger() });
    const port = await closedPort();
    const err = await http
      .request({ method: 'POST', url: `http://127.0.0.1:${port}/x`, json: { a: 1 } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NETWORK_ERROR' });
    expect(networkOutcome(err as SluiceError)).toBe('not-applied');
  });

  it('reads got timings: no connection means nothing sent; a connected socket may have delivered it', () => {
    expect(networkOutcome(network({ code: 'ENOTFOUND', timings: {} }))).toBe('not-applied');
    expect(networkOutcome(network({ code: 'ETIMEDOUT', timings: { socket: 1 } }))).toBe('not-applied');
    expect(networkOutcome(network({ code: 'ETIMEDOUT', timings: { connect: 1 } }))).toBe('unknown');
    expect(networkOutcome(network({ code: 'ETIMEDOUT', timings: { connect: 1, upload: 2 } }))).toBe('unknown');
    expect(networkOutcome(network({ code: 'ECONNRESET', timings: { connect: 1, upload: 2 } }))).toBe('unknown');
    // A refusal code with the body already uploaded cannot be a refusal of this request: in doubt.
    expect(networkOutcome(network({ code: 'ECONNREFUSED', timings: { connect: 1, upload: 2 } }))).toBe('unknown');
    expect(networkOutcome(network(undefined))).toBe('unknown');
    expect(networkOutcome(network({ code: 'EPIPE' }))).toBe('unknown');
  });
});

describe('withOutcome and classifiedAfterSend', () => {
  it('copies the error with the outcome, keeping code, retry data and cause', () => {
    const cause = new Error('socket hang up');
    const err = new ConnectorError('NETWORK_ERROR', 'op: ECONNRESET', { retryable: true, retryAfterMs: 5, cause });
    const marked = withOutcome(err, 'unknown');
    expect(marked).toMatchObject({ code: 'NETWORK_ERROR', retryable: true, retryAfterMs: 5, writeOutcome: 'unknown' });
    expect(marked.cause).toBe(cause);
    expect(marked.reasonClass).toBe(err.reasonClass);
    expect(withOutcome(marked, 'unknown')).toBe(marked);
  });

  it('an unclassified exception after sending cannot prove nothing was applied', () => {
    expect(classifiedAfterSend(new TypeError('x is undefined'))).toMatchObject({ writeOutcome: 'unknown' });
    const refused = new ConnectorError('C', 'm', { writeOutcome: 'not-applied' });
    expect(classifiedAfterSend(refused)).toBe(refused);
  });
});
