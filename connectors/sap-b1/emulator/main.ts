/**
 * Standalone entry (`sluice emulate sap-b1`): starts the emulator and prints its URL and login until
 * interrupted. `argv` holds the options (leading words such as `emulate sap-b1` are skipped): --port
 * <n>, --host <h>, --fixtures <dir>, --session-timeout <minutes>, --login-delay <ms>, --page-size <n>,
 * --fault "<kind> [METHOD] <path> [key=value ...]" (repeatable). The command line and the run are the
 * kit's (engine/emulator-kit/argv.ts, run.ts).
 */
import { emulatorFlags, parseEmulatorArgv, type FlagSpec } from '../../../engine/emulator-kit/argv.js';
import { runEmulator, type RunOptions } from '../../../engine/emulator-kit/run.js';
import { startSapB1Emulator, type FaultSpec, type SapB1Emulator } from './index.js';
import type { SapB1EmulatorOptions } from './options.js';

export type { RunOptions } from '../../../engine/emulator-kit/run.js';

/** Options from the command line: the emulator's own, and faults armed from the start. */
export type EmulatorArgs = SapB1EmulatorOptions & { faults?: FaultSpec[] };

const FLAGS: readonly FlagSpec<EmulatorArgs>[] = emulatorFlags(
  { flag: 'fixtures', kind: 'string', option: 'fixturesDir' },
  { flag: 'session-timeout', kind: 'number', option: 'sessionTimeoutMinutes' },
  { flag: 'login-delay', kind: 'number', option: 'loginDelayMs' },
  { flag: 'page-size', kind: 'number', option: 'defaultPageSize' },
);

export function parseEmulatorArgs(argv: readonly string[]): EmulatorArgs {
  return parseEmulatorArgv(argv, FLAGS);
}

function banner(options: SapB1EmulatorOptions): (emulator: SapB1Emulator) => string[] {
  const user = (options.users ?? [{ userName: 'manager' }])[0]?.userName ?? 'manager';
  return (emulator) => [
    `SAP Business One Service Layer emulator listening on ${emulator.url}`,
    `  service roots: ${emulator.url}/b1s/v1  ${emulator.url}/b1s/v2`,
    `  CompanyDB: ${emulator.companyDb}  user: ${user}`,
  ];
}

/** Starts the emulator; unless `detach`, resolves when the process is interrupted and the emulator closed. */
export async function runSapB1Emulator(argv: readonly string[], run: RunOptions = {}): Promise<SapB1Emulator> {
  const { faults, ...options } = parseEmulatorArgs(argv);
  return runEmulator({ start: () => startSapB1Emulator(options), faults, banner: banner(options) }, run);
}
