/**
 * Standalone entry: `sluice emulate concur --port 8080 [--fixtures dir] [--regions us,eu]
 * [--fault "429 GET /list/v4/lists times=2"]` starts the emulator and prints its URLs and demo
 * credentials until interrupted.
 */
import { parseEmulatorArgv, type FlagSpec } from '../../../engine/emulator-kit/argv.js';
import { parseFaultSpec } from '../../../engine/emulator-kit/faults.js';
import { startConcurEmulator, type ConcurEmulator, type FaultSpec } from './index.js';

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
  /** Faults armed from the start (`--fault "<kind> [METHOD] <path> [key=value ...]"`, repeatable). */
  faults?: FaultSpec[];
}

const FLAGS: readonly FlagSpec<ParsedArgs>[] = [
  { flag: 'port', kind: 'port', option: 'port' },
  { flag: 'fixtures', kind: 'string', option: 'fixturesDir' },
  { flag: 'regions', kind: 'list', option: 'regions' },
  { flag: 'company-region', kind: 'string', option: 'companyRegion' },
  { flag: 'token-ttl', kind: 'number', option: 'accessTokenTtlSeconds' },
  { flag: 'fault', kind: 'string', option: 'faults', multiple: true },
];

/** The command line (engine/emulator-kit/argv.ts); `--fault` specs are parsed here, so a bad one fails before start. */
export function parseEmulatorArgs(argv: readonly string[]): ParsedArgs {
  const parsed = parseEmulatorArgv(argv, FLAGS) as Omit<ParsedArgs, 'faults'> & { faults?: string[] };
  const { faults, ...rest } = parsed;
  return { ...rest, ...(faults && { faults: faults.map((f) => parseFaultSpec(f) as unknown as FaultSpec) }) };
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
  const { faults, ...args } = parseEmulatorArgs(argv);
  const emu = await startConcurEmulator(args);
  try {
    for (const fault of faults ?? []) emu.faults.add(fault);
  } catch (err) {
    await emu.close();
    throw err;
  }
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
