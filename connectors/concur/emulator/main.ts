/**
 * Standalone entry: `sluice emulate concur --port 8080 [--host h] [--fixtures dir] [--regions us,eu]
 * [--fault "429 GET /list/v4/lists times=2"]` starts the emulator and prints its URLs and demo
 * credentials until interrupted (the command line and the run are the kit's: engine/emulator-kit/
 * argv.ts, run.ts).
 */
import { emulatorFlags, parseEmulatorArgv, type FlagSpec } from '../../../engine/emulator-kit/argv.js';
import { runEmulator, type RunOptions } from '../../../engine/emulator-kit/run.js';
import { startConcurEmulator, type ConcurEmulator, type FaultSpec } from './index.js';

export type { RunOptions } from '../../../engine/emulator-kit/run.js';

export interface ParsedArgs {
  port?: number;
  host?: string;
  fixturesDir?: string;
  regions?: string[];
  companyRegion?: string;
  accessTokenTtlSeconds?: number;
  /** Faults armed from the start (`--fault "<kind> [METHOD] <path> [key=value ...]"`, repeatable). */
  faults?: FaultSpec[];
}

const FLAGS: readonly FlagSpec<ParsedArgs>[] = emulatorFlags(
  { flag: 'fixtures', kind: 'string', option: 'fixturesDir' },
  { flag: 'regions', kind: 'list', option: 'regions' },
  { flag: 'company-region', kind: 'string', option: 'companyRegion' },
  { flag: 'token-ttl', kind: 'number', option: 'accessTokenTtlSeconds' },
);

export function parseEmulatorArgs(argv: readonly string[]): ParsedArgs {
  return parseEmulatorArgv(argv, FLAGS);
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
  return runEmulator({ start: () => startConcurEmulator(args), faults, banner }, run);
}
