/** `sluice validate [paths...]`: every problem at once, as file:line:col CODE message. */
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { DIAGNOSTIC_FORMATS, formatDiagnostics, type DiagnosticFormat } from '../config/diagnostics.js';
import { validatePaths } from '../config/validate.js';
import { addGlobalOptions, write, type CliIo, type GlobalOptions } from './common.js';

export function validateCommand(program: Command, io: CliIo): void {
  addGlobalOptions(
    program
      .command('validate')
      .description(
        'check pipeline files (YAML, schema, connections, resources, JSONata, secrets) without running anything; exit 2 when invalid',
      )
      .argument('[paths...]', 'pipeline files or directories (default: pipelines/)')
      .addOption(
        new Option('--format <format>', 'output format')
          .choices(DIAGNOSTIC_FORMATS as unknown as string[])
          .default('text'),
      )
      .option(
        '--strict',
        'undefined ${env:} references are errors (by default warnings, so a pull request validates without production secrets; every run treats them as errors)',
      ),
  ).action((paths: string[], opts: GlobalOptions & { format: DiagnosticFormat; strict?: boolean }) => {
    const targets = paths.length > 0 ? paths : [existsSync('pipelines') ? 'pipelines' : '.'];
    const result = validatePaths(targets, {
      registry: io.registry,
      ...(opts.connections && { connectionsPath: opts.connections }),
      ...(opts.strict && { strict: true }),
    });
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = result.diagnostics.length - errors;
    write(io.stdout, formatDiagnostics(result.diagnostics, opts.format));
    if (opts.format === 'text') {
      write(
        io.stderr,
        errors === 0
          ? `${result.files.length} pipeline file(s) valid${warnings > 0 ? ` (${warnings} warning(s))` : ''}\n`
          : `${errors} problem(s) in ${result.files.length} pipeline file(s)\n`,
      );
    }
    io.exitCode = errors > 0 ? 2 : 0;
  });
}
