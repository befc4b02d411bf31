/**
 * `npm run bench`: measured in one run on this machine.
 * 1. records/s of the engine (file JSONL → JSONata → ledger → file JSONL, 100k records) next to a
 *    bare loop evaluating the same compiled JSONata expression over the same records (target ≥ 0.75);
 * 2. peak RSS of a 1M-record JSONL run in a fresh process (target ≤ 200 MB).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsonata from 'jsonata';
import { runEngine } from './engine-run.js';
import { ACCOUNTS, TRANSFORM, writeJsonl } from './workload.js';

const N = Number(process.env.BENCH_RECORDS ?? 100_000);
const BIG = Number(process.env.BENCH_BIG_RECORDS ?? 1_000_000);

async function bareLoop(records: Record<string, unknown>[]): Promise<number> {
  const expr = jsonata(TRANSFORM);
  const accounts = new Map(ACCOUNTS.map((a) => [a.ExpenseType, a]));
  const bindings = { lookup: (_n: string, k: string) => accounts.get(k) };
  const t0 = process.hrtime.bigint();
  let sink = 0;
  for (const r of records) {
    const out = (await expr.evaluate(r, bindings)) as { JournalEntryLines?: unknown[] };
    sink += out.JournalEntryLines?.length ?? 0;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (sink < 0) console.log(sink);
  return ms;
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
try {
  const input = join(dir, 'in.jsonl');
  await writeJsonl(input, N);
  const records = readFileSync(input, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  await bareLoop(records.slice(0, 5000)); // warm up the JIT for both
  const bareMs = await bareLoop(records);
  const engineStart = process.hrtime.bigint();
  const result = await runEngine(dir, input);
  const engineMs = Number(process.hrtime.bigint() - engineStart) / 1e6;
  if (result.exitCode !== 0 || result.report.apply?.created !== N)
    throw new Error(`engine run failed: ${JSON.stringify(result.report)}`);
  const bareRate = (N / bareMs) * 1000;
  const engineRate = (N / engineMs) * 1000;
  console.log(`records: ${N}`);
  console.log(`bare JSONata loop: ${bareRate.toFixed(0)} records/s (${bareMs.toFixed(0)} ms)`);
  console.log(`engine run:        ${engineRate.toFixed(0)} records/s (${engineMs.toFixed(0)} ms)`);
  console.log(`ratio engine/bare: ${(engineRate / bareRate).toFixed(2)} (target >= 0.75)`);

  const bigDir = mkdtempSync(join(tmpdir(), 'sluice-bench-big-'));
  try {
    const bigInput = join(bigDir, 'in.jsonl');
    await writeJsonl(bigInput, BIG);
    // The same node flags as the CLI (the shebang of bin/sluice.js).
    const shebang = readFileSync(new URL('../../../bin/sluice.js', import.meta.url), 'utf8').split('\n')[0]!;
    const flags = shebang.split(/\s+/).filter((a) => a.startsWith('--'));
    const out = execFileSync(
      process.execPath,
      [...flags, new URL('./rss-child.js', import.meta.url).pathname, bigDir, bigInput],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const r = JSON.parse(out.trim().split('\n').pop()!) as {
      maxRssMb: number;
      ms: number;
      exitCode: number;
      counts: { read: number };
    };
    if (r.exitCode !== 0 || r.counts.read !== BIG) throw new Error(`1M run failed: ${out}`);
    console.log(
      `${BIG} records (node ${flags.join(' ')}): peak RSS ${r.maxRssMb.toFixed(0)} MB (target <= 200 MB), ${((BIG / r.ms) * 1000).toFixed(0)} records/s`,
    );
  } finally {
    rmSync(bigDir, { recursive: true, force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
