/**
 * `npm run bench [-- options]` (args.ts): every measured command is its own child process — the
 * built CLI (`node bin/sluice.js`) or the bare loop — timed whole, with its peak RSS; runs of the
 * kinds being compared alternate, and each figure is a ratio of medians. This parent only spawns,
 * generates inputs by streaming and holds no records. Prints a table and writes the JSON results.
 * Targets are reported pass/fail; a missed target does not fail the command, a broken run does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, UsageError, USAGE, type BenchOptions, type Phase } from './args.js';
import { concurListPhase } from './concur-list.js';
import { formatTable, summary, type Figure } from './figures.js';
import { writeInputs, type Inputs } from './inputs.js';
import { describeMachine, load, machine } from './machine.js';
import { resolveRssMethod, type MeasureContext } from './measure.js';
import { memoryPhase } from './memory.js';
import { remittancePhase } from './remittance.js';
import { startupPhase } from './startup.js';
import { throughputPhase } from './throughput.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function options(): BenchOptions {
  try {
    const parsed = parseArgs(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    return parsed;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n`);
    process.exit(2);
  }
}

const opts = options();
const method = resolveRssMethod(opts.rss);
const scratch = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
const ctx: MeasureContext = { method, scratch };
const before = load();
const figures: Figure[] = [];
const samples: Record<string, unknown> = {};
const errors: { phase: Phase; message: string }[] = [];

let small: Inputs | undefined;
const smallInputs = async (): Promise<Inputs> => (small ??= await writeInputs(scratch, opts.records));
const bigInputs = async (): Promise<Inputs> =>
  opts.bigRecords === opts.records ? smallInputs() : writeInputs(scratch, opts.bigRecords, false);

const PHASE_RUNNERS: Record<Phase, () => Promise<{ figures: Figure[] } & Record<string, unknown>>> = {
  startup: () => startupPhase(opts, ctx, log),
  concur: () => concurListPhase(opts, ctx, log),
  throughput: async () => throughputPhase(opts, ctx, await smallInputs(), log),
  memory: async () => memoryPhase(opts, ctx, { small: await smallInputs(), big: bigInputs }, log),
  remittance: () => remittancePhase(opts, ctx, log),
};
const ORDER: Phase[] = ['startup', 'concur', 'throughput', 'memory', 'remittance'];
const m = machine(method);

/** The JSON results so far: written after every phase, so a long run that is stopped keeps what it measured. */
function writeResults(complete: boolean): void {
  const results = {
    complete,
    options: opts,
    machine: { ...m, before, after: load(), parentPeakRssMb: process.resourceUsage().maxRSS / 1024 },
    figures,
    errors,
    samples,
  };
  writeFileSync(resolve(opts.out), JSON.stringify(results, null, 2) + '\n');
}

// Ctrl-C reaches the children too (one process group); the scratch directory goes with them.
process.once('SIGINT', () => {
  rmSync(scratch, { recursive: true, force: true });
  process.exit(130);
});

log(
  `bench${opts.quick ? ' --quick' : ''}: ${opts.records} records x ${opts.samples} rounds, ${opts.bigRecords} big, ${opts.listItems} list items, ${opts.remittanceLines} remittance lines; scratch ${scratch}`,
);
try {
  for (const phase of ORDER.filter((p) => opts.phases.includes(p))) {
    log(`${phase}...`);
    const started = Date.now();
    try {
      const { figures: f, ...rest } = await PHASE_RUNNERS[phase]();
      figures.push(...f);
      samples[phase] = rest;
      log(`${phase} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      errors.push({ phase, message });
      log(`${phase} FAILED: ${message}`);
    }
    writeResults(false);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const after = load();
const lines = [
  '',
  formatTable(figures),
  '',
  `${summary(figures)}${opts.quick ? ' (--quick: small sizes, a sanity pass, not the targets)' : ''}`,
  ...describeMachine(m, before, after),
  `bench parent peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  ...errors.map((e) => `phase ${e.phase} failed: ${e.message.split('\n')[0]}`),
];
process.stdout.write(`${lines.join('\n')}\n`);
writeResults(true);
log(`results written to ${resolve(opts.out)}`);
if (errors.length > 0) process.exitCode = 1;
