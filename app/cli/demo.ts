/** `sluice demo` (demo-run.ts runs it): the shipped pipelines against the emulators, twice. */
import type { Command } from 'commander';
import { DEMO_ALTERNATIVE } from '../demo/pipelines.js';
import type { CliIo } from './common.js';
import type { DemoOptions } from './demo-run.js';

export function demoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description(
      'run the shipped pipelines against local Concur and SAP Business One emulators (demo company), then show that a second pass changes nothing',
    )
    .option('--dir <dir>', 'working directory of the demo: state store, ERP database, emulator state', '.sluice/demo')
    .option(
      '--fresh',
      'start over: wipe the directory first (otherwise a second demo continues where the last one stopped)',
    )
    .option(
      '--fis',
      `post expense reports through Financial Integration Service (${DEMO_ALTERNATIVE}) instead of the report API`,
    )
    .option(
      '--record-traffic <file>',
      'append every request and response the emulators see to <file> (JSON lines), to check against the vendor specs',
    )
    .option('--serve', 'then leave the finance page (sluice serve) running on the demo state, with demo accounts')
    .option('--port <n>', 'port of the finance page with --serve', '8484')
    .action(async (opts: DemoOptions) => (await import('./demo-run.js')).runDemo(opts, io));
}
