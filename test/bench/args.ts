/** Options of `npm run bench -- [options]`: sizes, sample counts, phases, output path. */

export const PHASES = ['throughput', 'memory', 'startup', 'concur', 'remittance'] as const;
export type Phase = (typeof PHASES)[number];
export type RssMethod = 'auto' | 'time' | 'hook';

export interface BenchOptions {
  quick: boolean;
  /** Records of the timed file → file runs (first, unchanged, 1% changed) and of the apply RSS. */
  records: number;
  /** Rounds of those runs (each round runs bare loop, first, unchanged, changed in turn). */
  samples: number;
  /** Records of the large run and apply (peak RSS). */
  bigRecords: number;
  bigSamples: number;
  startupSamples: number;
  /** Items of the Concur list. */
  listItems: number;
  /** Lines of the SFTP remittance file. */
  remittanceLines: number;
  phases: Phase[];
  out: string;
  rss: RssMethod;
}

const FULL = {
  records: 100_000,
  samples: 5,
  bigRecords: 1_000_000,
  bigSamples: 1,
  startupSamples: 10,
  listItems: 20_000,
  remittanceLines: 100_000,
};
const QUICK = {
  records: 2_000,
  samples: 3,
  bigRecords: 10_000,
  bigSamples: 1,
  startupSamples: 3,
  listItems: 1_000,
  remittanceLines: 2_000,
};

export const USAGE = `npm run bench -- [options]
  --quick                small sizes, few samples: a sanity pass of about a minute
  --records N            records of the timed runs and of the apply RSS (default 100000; quick 2000)
  --samples N            rounds of bare loop / first / unchanged / 1% changed runs (default 5; quick 3)
  --big-records N        records of the peak-RSS run and apply (default 1000000; quick 10000)
  --big-samples N        samples of the large run and apply (default 1)
  --startup-samples N    rounds of node -e 0 / sluice --help / sluice validate (default 10; quick 3)
  --list-items N         items of the Concur list (default 20000; quick 1000)
  --remittance-lines N   lines of the SFTP remittance file (default 100000; quick 2000)
  --only PHASES          comma-separated: ${PHASES.join(', ')} (default all)
  --rss auto|time|hook   peak RSS from /usr/bin/time (auto: when present) or from the child's own resourceUsage
  --out FILE             where the JSON results go (default bench-results.json)`;

export class UsageError extends Error {}

function positive(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer`);
  return n;
}

export function parseArgs(argv: readonly string[]): BenchOptions | 'help' {
  const quick = argv.includes('--quick');
  const opts: BenchOptions = {
    quick,
    ...(quick ? QUICK : FULL),
    phases: [...PHASES],
    out: 'bench-results.json',
    rss: 'auto',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--quick':
        break;
      case '--help':
      case '-h':
        return 'help';
      case '--records':
        opts.records = positive(flag, value());
        break;
      case '--samples':
        opts.samples = positive(flag, value());
        break;
      case '--big-records':
        opts.bigRecords = positive(flag, value());
        break;
      case '--big-samples':
        opts.bigSamples = positive(flag, value());
        break;
      case '--startup-samples':
        opts.startupSamples = positive(flag, value());
        break;
      case '--list-items':
        opts.listItems = positive(flag, value());
        break;
      case '--remittance-lines':
        opts.remittanceLines = positive(flag, value());
        break;
      case '--only': {
        const names = (value() ?? '').split(',').filter(Boolean);
        const unknown = names.filter((n) => !(PHASES as readonly string[]).includes(n));
        if (names.length === 0 || unknown.length > 0)
          throw new UsageError(
            `--only takes ${PHASES.join(', ')}${unknown.length ? `; not ${unknown.join(', ')}` : ''}`,
          );
        opts.phases = names as Phase[];
        break;
      }
      case '--rss': {
        const v = value();
        if (v !== 'auto' && v !== 'time' && v !== 'hook') throw new UsageError('--rss takes auto, time or hook');
        opts.rss = v;
        break;
      }
      case '--out': {
        const v = value();
        if (!v) throw new UsageError('--out needs a file');
        opts.out = v;
        break;
      }
      default:
        throw new UsageError(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return opts;
}
