/**
 * The `sluice` command line. Building the program imports only commander and the command
 * definitions; each action imports what it runs, and connectors load with the registry, when a
 * command asks for it (see test/e2e/startup.test.ts).
 */
import { Command } from 'commander';
import { emulators, loadRegistry } from '../../connectors/index.js';
import { emulateCommand } from './emulate.js';
import type { Registry } from '../../engine/connector/registry.js';
import { attentionCommands } from './attention.js';
import { logCommand } from './log.js';
import { resyncCommand } from './resync.js';
import type { CliIo } from './common.js';
import { runCommands } from './run.js';
import { schemaCommands } from './schema.js';
import { stateCommands } from './state.js';
import { testCommand } from './test.js';
import { validateCommand } from './validate.js';
import { demoCommand } from './demo.js';
import { k8sCommand } from './k8s.js';
import { plansCommands } from './plans.js';
import { serveCommand } from './serve.js';
import { usersCommands } from './users.js';

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
  resyncCommand(program, io);
  logCommand(program, io);
  stateCommands(program, io);
  schemaCommands(program, io);
  demoCommand(program, io);
  k8sCommand(program, io);
  plansCommands(program, io);
  usersCommands(program, io);
  serveCommand(program, io);
  emulateCommand(program, io, emulators);
  return program;
}

/** `registry` loads the connectors (default: every shipped one, each imported on first use). */
export async function main(argv: string[], registry: () => Promise<Registry> = loadRegistry): Promise<number> {
  let loading: Promise<Registry> | undefined;
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    registry: () => (loading ??= registry()),
    exitCode: 0,
  };
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
