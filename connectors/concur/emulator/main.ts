/**
 * Standalone entry: `sluice emulate concur --port 8080 [--fixtures dir] [--regions us,eu]`
 * starts the emulator and prints its URLs and demo credentials until interrupted.
 */
import { startConcurEmulator, type ConcurEmulator } from './index.js';

export interface RunOptions {
  /** Where the banner goes; default stdout. */
  out?: (line: string) => void;
  /** Resolve once started instead of waiting for SIGINT/SIGTERM (tests). */
  detach?: boolean;
}

export interface ParsedArgs {
  port?: number;
  fixturesDir?: string;
  regions?: string[];
  companyRegion?: string;
  accessTokenTtlSeconds?: number;
}

export function parseEmulatorArgs(argv: readonly string[]): ParsedArgs {
  const out: ParsedArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535`);
        out.port = port;
        break;
      }
      case '--fixtures':
        out.fixturesDir = value();
        break;
      case '--regions':
        out.regions = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--company-region':
        out.companyRegion = value();
        break;
      case '--token-ttl':
        out.accessTokenTtlSeconds = Number(value());
        break;
      default:
        throw new Error(`unknown option ${arg} (use --port, --fixtures, --regions, --company-region, --token-ttl)`);
    }
  }
  return out;
}

export function banner(emu: ConcurEmulator): string[] {
  const c = emu.credentials;
  return [
    'Concur emulator running',
    ...Object.entries(emu.regions).map(
      ([region, url]) =>
        `  region ${region.padEnd(4)} ${url}${region === emu.companyRegion ? '   (company lives here)' : ''}`,
    ),
    `  token URL    ${emu.tokenUrl}`,
    `  clientId     ${c.clientId}`,
    `  clientSecret ${c.clientSecret}   (demo value from the fixtures)`,
    `  companyUuid  ${c.companyUuid}`,
    `  requestToken ${c.requestToken}   (demo value from the fixtures)`,
  ];
}

/** Starts the emulator; unless `detach`, resolves when the process is interrupted and the emulator closed. */
export async function runConcurEmulator(argv: readonly string[], run: RunOptions = {}): Promise<ConcurEmulator> {
  const args = parseEmulatorArgs(argv);
  const emu = await startConcurEmulator(args);
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
