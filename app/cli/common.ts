/**
 * Options and plumbing shared by the CLI commands. Command modules define their options statically
 * and import what they run inside the action, so `--help` and each command load only what they use.
 */
import { Option, type Command } from 'commander';
import { createLogger, LOG_LEVELS, type Logger, type LogLevel } from '../../engine/runtime/logger.js';
import type { Registry } from '../../engine/connector/registry.js';

export interface GlobalOptions {
  connections?: string;
  state?: string;
  logLevel?: LogLevel;
  logFormat?: 'json' | 'pretty';
}

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The connector registry, loaded by the commands that need it (never by `--help`). */
  registry: () => Promise<Registry>;
  /** Set by a command; the process exits with it. */
  exitCode: number;
}

export function addGlobalOptions(cmd: Command): Command {
  return cmd
    .option(
      '--connections <file>',
      'connections file (default: SLUICE_CONNECTIONS, else connections.yaml beside the pipeline, its parent directory, or the working directory)',
    )
    .option(
      '--state <url>',
      'state store: sqlite:<path> or mysql://user:pass@host:port/db (default: SLUICE_STATE_URL, else sqlite:.sluice/state.db)',
    )
    .addOption(
      new Option('--log-level <level>', 'log level').choices(LOG_LEVELS as unknown as string[]).default('info'),
    )
    .addOption(
      new Option('--log-format <format>', 'log format (default: pretty on a TTY, JSON otherwise)').choices([
        'json',
        'pretty',
      ]),
    );
}

export function loggerFor(opts: GlobalOptions, io: CliIo): Logger {
  return createLogger({
    level: opts.logLevel ?? 'info',
    ...(opts.logFormat && { format: opts.logFormat }),
    destination: io.stderr,
  });
}

export function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text);
}

export function parseNumber(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${value}"`);
  return n;
}
