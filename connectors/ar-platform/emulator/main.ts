/**
 * Standalone entry: `sluice emulate ar-platform [--port n] [--host h] [--token-ttl s] [--empty]`
 * starts the emulator and prints its URL and demo client until interrupted.
 */
import { ConfigError } from '../../../engine/errors.js';
import { startArPlatformEmulator, type ArPlatformEmulator } from './index.js';
import type { ArPlatformEmulatorOptions } from './options.js';

export interface RunOptions {
  /** Where the banner goes; default stdout. */
  out?: (line: string) => void;
  /** Resolve once started instead of waiting for SIGINT/SIGTERM (tests). */
  detach?: boolean;
}

const invalid = (message: string): ConfigError => new ConfigError('EMULATOR_FAULT_INVALID', message);

export function parseEmulatorArgs(argv: readonly string[]): ArPlatformEmulatorOptions {
  const out: ArPlatformEmulatorOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw invalid(`${flag} needs a value`);
      return v;
    };
    const int = (min: number, max: number): number => {
      const raw = value();
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max)
        throw invalid(`${flag} must be an integer ${min}-${max}, not ${raw}`);
      return n;
    };
    switch (flag) {
      case '--port':
        out.port = int(0, 65535);
        break;
      case '--host':
        out.host = value();
        break;
      case '--token-ttl':
        out.tokenTtlSeconds = int(1, 31_536_000);
        break;
      case '--empty':
        out.seed = {};
        break;
      default:
        throw invalid(`unknown option ${arg} (use --port, --host, --token-ttl, --empty)`);
    }
  }
  return out;
}

export function banner(emu: ArPlatformEmulator): string[] {
  return [
    'AR-platform emulator running',
    `  API          ${emu.url}/v1`,
    `  token URL    ${emu.tokenUrl}   (grant_type=client_credentials)`,
    `  clientId     ${emu.credentials.clientId}`,
    `  clientSecret ${emu.credentials.clientSecret}   (demo value)`,
    `  counters     ${emu.url}/_emulator/counters`,
  ];
}

/** Starts the emulator; unless `detach`, resolves when the process is interrupted and the emulator closed. */
export async function runArPlatformEmulator(
  argv: readonly string[],
  run: RunOptions = {},
): Promise<ArPlatformEmulator> {
  const emu = await startArPlatformEmulator(parseEmulatorArgs(argv));
  const out = run.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  for (const line of banner(emu)) out(line);
  if (run.detach) return emu;
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await emu.close();
  return emu;
}
