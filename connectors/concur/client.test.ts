import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError, SluiceError } from '../../engine/errors.js';
import { createLogger, type Logger } from '../../engine/runtime/logger.js';
import { startConcurEmulator, type ConcurEmulator } from './emulator/index.js';
import { openAgainst, readAll } from './test-support.js';

let emu: ConcurEmulator;
beforeAll(async () => {
  emu = await startConcurEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.faults.clear();
  emu.clearLog();
});

const REPORTS = '/api/v3.0/expense/reports';

/** A debug logger that keeps the waits the client chose before each retry. */
function retryLog(): { logger: Logger; delays: () => number[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write: (chunk: Buffer, _enc, cb) => {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = createLogger({ level: 'debug', format: 'json', destination });
  const delays = (): number[] =>
    lines
      .map((l) => JSON.parse(l) as { msg?: string; delayMs?: number })
      .filter((l) => l.msg === 'concur: retrying')
      .map((l) => l.delayMs ?? -1);
  return { logger, delays };
}

describe('concur client: throttling and failures', () => {
  it('waits for Retry-After on a 429 (not its own, much longer backoff)', async () => {
    const { logger, delays } = retryLog();
    const connection = await openAgainst(emu, {
      logger,
      config: { retry: { attempts: 3, baseDelayMs: 4000, maxDelayMs: 8000, maxRetryAfterMs: 5000 } },
    });
    await connection.client.baseUrl();
    emu.faults.add({ path: REPORTS, kind: '429', retryAfterSeconds: 0.15 });
    const pages = await readAll(connection, 'expense-reports', { includeEntries: false });
    expect(pages.flat()).toHaveLength(32);
    expect(delays()).toEqual([150]); // its own backoff would have been 2000..4000 ms
    expect(emu.count({ path: REPORTS, status: 429 })).toBe(1);
  });

  it('treats `retry-after: 0` (the list API) as "use your own backoff"', async () => {
    const { logger, delays } = retryLog();
    const connection = await openAgainst(emu, {
      logger,
      config: { retry: { attempts: 4, baseDelayMs: 40, maxDelayMs: 100, maxRetryAfterMs: 5000 } },
    });
    await connection.client.baseUrl();
    emu.faults.add({ path: /\/list\/v4\/lists\/[^/]+\/children/, kind: '429', times: 2 });
    const pages = await readAll(connection, 'list-items', { list: 'Projects' });
    expect(pages.flat()).toHaveLength(20);
    expect(emu.find({ status: 429 }).every((r) => r.family === 'list')).toBe(true);
    expect(emu.count({ status: 429 })).toBe(2);
    const [first, second] = delays(); // jittered backoff: 20..40 ms, then 40..80 ms
    expect(first).toBeGreaterThanOrEqual(20);
    expect(first).toBeLessThanOrEqual(40);
    expect(second).toBeGreaterThanOrEqual(40);
    expect(second).toBeLessThanOrEqual(80);
    expect(delays()).toHaveLength(2);
  });

  it('retries 5xx with backoff and succeeds; gives up after the bounded attempts with a retryable error', async () => {
    const connection = await openAgainst(emu);
    emu.faults.add({ path: REPORTS, kind: '500', times: 2 });
    expect((await readAll(connection, 'expense-reports', { includeEntries: false })).flat()).toHaveLength(32);
    expect(connection.stats().calls?.['GET expense reports']).toBe(3);

    emu.faults.add({ path: REPORTS, kind: '503', times: Infinity });
    const err = await readAll(connection, 'expense-reports', { includeEntries: false }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'CONCUR_UNAVAILABLE', retryable: true, status: 503 });
    expect(emu.count({ path: REPORTS, status: 503 })).toBe(4);
  });

  it('does not repeat a write the remote may have processed; the outcome says a retry can help', async () => {
    const connection = await openAgainst(emu);
    const target = connection.target!('vendors', {}, { keyField: 'VendorCode', mode: 'upsert' });
    await target.lookup(['V2099']);
    emu.faults.add({ path: '/api/v3.1/invoice/vendors', method: 'POST', kind: '500' });
    const [outcome] = await target.write([
      {
        op: 'create',
        key: 'V2099',
        record: { VendorCode: 'V2099', VendorName: 'Retry Co', CountryCode: 'US', CurrencyCode: 'USD' },
      },
    ]);
    expect(outcome).toMatchObject({ key: 'V2099', ok: false });
    expect(outcome!.error).toBeInstanceOf(SluiceError);
    expect(outcome!.error!.retryable).toBe(true);
    expect(outcome!.error!.writeOutcome).toBe('unknown');
    expect(emu.count({ method: 'POST', path: '/api/v3.1/invoice/vendors' })).toBe(1);
  });

  it('maps a final 4xx to a non-retryable error carrying the remote message', async () => {
    const connection = await openAgainst(emu);
    emu.faults.add({ path: REPORTS, kind: '400', times: Infinity });
    const err = await readAll(connection, 'expense-reports', { includeEntries: false }).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'CONCUR_BAD_REQUEST', retryable: false, status: 400 });
    expect((err as Error).message).toContain('Bad request (injected)');
    expect(emu.count({ path: REPORTS, status: 400 })).toBe(1);
  });

  it('counts every API call, token grants and retries included', async () => {
    const connection = await openAgainst(emu);
    emu.faults.add({ path: '/api/v3.1/invoice/vendors', kind: '503' });
    await readAll(connection, 'vendors');
    expect(connection.stats()).toEqual({ apiCalls: 3, calls: { 'POST oauth2/v0/token': 1, 'GET vendors': 2 } });
    expect(emu.requests).toHaveLength(3);
  });
});
