import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args.js';

describe('parseArgs', () => {
  it('defaults to the sizes of the targets, every phase, bench-results.json', () => {
    expect(parseArgs([])).toEqual({
      quick: false,
      records: 100_000,
      samples: 5,
      bigRecords: 1_000_000,
      bigSamples: 1,
      startupSamples: 10,
      listItems: 20_000,
      remittanceLines: 100_000,
      phases: ['throughput', 'memory', 'startup', 'concur', 'remittance'],
      out: 'bench-results.json',
      rss: 'auto',
    });
  });

  it('--quick takes small sizes, which explicit options still override, wherever --quick stands', () => {
    const opts = parseArgs(['--records', '2000', '--quick', '--out', '/tmp/r.json']);
    expect(opts).toMatchObject({
      quick: true,
      records: 2000,
      bigRecords: 10_000,
      listItems: 1000,
      remittanceLines: 2000,
      out: '/tmp/r.json',
    });
    expect(parseArgs(['--quick', '--remittance-lines', '500'])).toMatchObject({ remittanceLines: 500 });
  });

  it('selects phases and the RSS method', () => {
    expect(parseArgs(['--only', 'startup,concur', '--rss', 'hook'])).toMatchObject({
      phases: ['startup', 'concur'],
      rss: 'hook',
    });
  });

  it('answers help, and refuses what it does not know with the reason', () => {
    expect(parseArgs(['--help'])).toBe('help');
    expect(() => parseArgs(['--records', '0'])).toThrow(new UsageError('--records needs a positive integer'));
    expect(() => parseArgs(['--samples'])).toThrow(/--samples needs a positive integer/);
    expect(() => parseArgs(['--only', 'speed'])).toThrow(/not speed/);
    expect(() => parseArgs(['--rss', 'ps'])).toThrow(/auto, time or hook/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option --fast/);
  });
});
