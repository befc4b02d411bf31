/** Child process of the benchmark: one 1M-record run, then its peak RSS on stdout (as JSON). */
import { runEngine } from './engine-run.js';

const [dir, input] = process.argv.slice(2);
const started = Date.now();
const result = await runEngine(dir!, input!);
process.stdout.write(
  JSON.stringify({
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    ms: Date.now() - started,
    exitCode: result.exitCode,
    counts: result.report.plan?.counts,
    apply: result.report.apply,
  }) + '\n',
);
