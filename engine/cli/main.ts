/** The `sluice` command line. */
import { Command } from 'commander';
import { emulators, registry as defaultRegistry } from '../../connectors/index.js';
import { emulateCommand } from './emulate.js';
import type { Registry } from '../connector/registry.js';
import { attentionCommands } from './attention.js';
import type { CliIo } from './common.js';
import { runCommands } from './run.js';
import { schemaCommands } from './schema.js';
import { stateCommands } from './state.js';
import { testCommand } from './test.js';
import { validateCommand } from './validate.js';
import { demoCommand } from './demo.js';
import { k8sCommand } from './k8s.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('sluice')
    .description('Declarative sync engine for finance data: one YAML pipeline file per run.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  validateCommand(program, io);
  runCommands(program, io);
  testCommand(program, io);
  attentionCommands(program, io);
  stateCommands(program, io);
  schemaCommands(program, io);
  demoCommand(program, io);
  k8sCommand(program, io);
  emulateCommand(program, io, emulators);
  return program;
}

export async function main(argv: string[], registry: Registry = defaultRegistry): Promise<number> {
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, registry, exitCode: 0 };
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code?.startsWith('commander.')) {
      io.exitCode = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    } else {
      process.stderr.write(`sluice: ${e.message ?? String(err)}\n`);
      io.exitCode = 1;
    }
  }
  process.exitCode = io.exitCode;
  return io.exitCode;
}
