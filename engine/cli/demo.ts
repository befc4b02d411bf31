/** `sluice demo`: the README's main job on embedded defaults (SQLite state under .sluice/). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { silentLogger } from '../runtime/logger.js';
import { runSession } from '../run/session.js';
import { formatReport } from '../run/report.js';
import { write, type CliIo } from './common.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export function demoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('run the shipped example pipeline on embedded defaults and print its run report')
    .action(async () => {
      const pipeline = `${root}pipelines/example-vendors-csv-to-jsonl.yaml`;
      if (!existsSync(pipeline)) throw new Error(`example pipeline not found at ${pipeline}`);
      const result = await runSession({ command: 'run', pipelinePath: pipeline, registry: io.registry, logger: silentLogger() });
      write(io.stdout, formatReport(result.report));
      write(
        io.stdout,
        [
          '',
          'Where to look next:',
          `  sluice plan ${pipeline}            # what the next run would change (nothing, right after this one)`,
          `  sluice attention list ${result.report.pipeline}   # the records that need attention, with reasons`,
          `  sluice runs                                       # run history in ${result.report.stateStore}`,
          '',
        ].join('\n'),
      );
      io.exitCode = result.exitCode === 3 ? 0 : result.exitCode;
    });
}
