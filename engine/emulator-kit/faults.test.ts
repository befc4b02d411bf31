import { describe, expect, it } from 'vitest';
import { FaultBook, parseFaultSpec, pathMatches, type FaultRequest, type FaultSpecBase } from './faults.js';

const req = (method: string, path: string, query = ''): FaultRequest => ({ method, path, query });

describe('FaultBook', () => {
  it('fires each fault `times` times, first armed match first, counting hits', () => {
    const book = new FaultBook<FaultSpecBase>({ kinds: ['429', '500'], pathMatch: 'prefix' });
    const a = book.add({ kind: '429', path: '/list', method: 'get', times: 2 });
    const b = book.add({ kind: '500', path: '/list' });
    expect(book.take(req('POST', '/list/v4'))?.spec.kind).toBe('500'); // method differs: a is skipped
    expect(book.take(req('GET', '/list/v4'))).toBe(a);
    expect(book.take(req('GET', '/list/v4'))).toBe(a);
    expect(book.take(req('GET', '/list/v4'))).toBeUndefined();
    expect([a.hits, a.remaining, b.hits, b.remaining]).toEqual([2, 0, 1, 0]);
    expect(book.active()).toEqual([]);
  });

  it('matches by segment, RegExp over path and query, and the emulator’s own conditions', () => {
    expect(pathMatches('JournalEntries', req('GET', 'JournalEntries(5)/Cancel'), 'segment')).toBe(true);
    expect(pathMatches('JournalEntries', req('GET', 'JournalEntriesX'), 'segment')).toBe(false);
    expect(pathMatches('/list', req('GET', '/lists'), 'prefix')).toBe(true);
    expect(pathMatches(/\$skip=20/g, req('GET', 'Projects', '$skip=20'), 'segment')).toBe(true);
    expect(pathMatches(/\$skip=20/g, req('GET', 'Projects', '$skip=20'), 'segment')).toBe(true); // lastIndex reset
    const book = new FaultBook<FaultSpecBase & { region?: string }, FaultRequest & { region: string }>({
      kinds: ['503'],
      pathMatch: 'prefix',
      also: (spec, r) => spec.region === undefined || spec.region === r.region,
    });
    book.add({ kind: '503', path: '/', region: 'eu', times: Infinity });
    expect(book.take({ ...req('GET', '/x'), region: 'us' })).toBeUndefined();
    expect(book.take({ ...req('GET', '/x'), region: 'eu' })?.remaining).toBe(Infinity);
  });

  it('refuses unknown kinds, and hold controls on other kinds; remove and clear disarm', () => {
    const book = new FaultBook<FaultSpecBase>({ kinds: ['hold', '500'], pathMatch: 'prefix' });
    expect(() => book.add({ kind: 'boom', path: '/' })).toThrow(
      expect.objectContaining({
        code: 'EMULATOR_FAULT_INVALID',
        message: 'unknown fault kind boom (kinds: hold, 500)',
      }),
    );
    const f = book.add({ kind: '500', path: '/' });
    expect(() => f.release()).toThrow(/release\(\) is for hold faults, not 500/);
    f.remove();
    expect(book.take(req('GET', '/'))).toBeUndefined();
    const hold = book.add({ kind: 'hold', path: '/' });
    book.clear();
    expect(book.take(req('GET', '/'))).toBeUndefined();
    expect(hold.held).toBe(0);
  });
});

describe('parseFaultSpec', () => {
  it('reads kind, method, path and key=value settings', () => {
    expect(parseFaultSpec('429 GET /list/v4/lists times=2 retryAfterSeconds=0')).toEqual({
      kind: '429',
      method: 'GET',
      path: '/list/v4/lists',
      times: 2,
      retryAfterSeconds: 0,
    });
    expect(parseFaultSpec('drop-after-commit JournalEntries times=all')).toEqual({
      kind: 'drop-after-commit',
      path: 'JournalEntries',
      times: Infinity,
    });
    const re = parseFaultSpec('500 re:^Projects\\?.*skip gateway=apache');
    expect(re.path).toEqual(/^Projects\?.*skip/);
    expect(re.gateway).toBe('apache');
  });

  it('says what is wrong and how to write it', () => {
    expect(() => parseFaultSpec('')).toThrow(/no kind; write <kind> \[METHOD\] <path>/);
    expect(() => parseFaultSpec('500 GET')).toThrow(/no path/);
    expect(() => parseFaultSpec('500 /x times')).toThrow(/"times" is not key=value/);
  });
});
