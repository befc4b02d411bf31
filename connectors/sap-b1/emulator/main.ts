/**
 * Standalone entry (`sluice emulate sap-b1`): starts the emulator and prints its URL and login.
 * `argv` holds the options (leading words such as `emulate sap-b1` are skipped): --port <n>,
 * --host <h>, --fixtures <dir>, --session-timeout <minutes>, --login-delay <ms>, --page-size <n>,
 * --fault "<kind> [METHOD] <path> [key=value ...]" (repeatable).
 * Runs until SIGINT/SIGTERM.
 */
import { parseEmulatorArgv, type FlagSpec } from '../../../engine/emulator-kit/argv.js';
import { parseFaultSpec } from '../../../engine/emulator-kit/faults.js';
import { startSapB1Emulator, type FaultSpec, type SapB1Emulator } from './index.js';
import type { SapB1EmulatorOptions } from './options.js';

/** Options from the command line: the emulator's own, and faults armed from the start. */
export type EmulatorArgs = SapB1EmulatorOptions & { faults?: FaultSpec[] };

const FLAGS: readonly FlagSpec<EmulatorArgs & { fault?: string[] }>[] = [
  { flag: 'port', kind: 'number', option: 'port' },
  { flag: 'host', kind: 'string', option: 'host' },
  { flag: 'fixtures', kind: 'string', option: 'fixturesDir' },
  { flag: 'session-timeout', kind: 'number', option: 'sessionTimeoutMinutes' },
  { flag: 'login-delay', kind: 'number', option: 'loginDelayMs' },
  { flag: 'page-size', kind: 'number', option: 'defaultPageSize' },
  { flag: 'fault', kind: 'string', option: 'fault', multiple: true },
];

/** The command line (engine/emulator-kit/argv.ts); `--fault` specs are parsed here, so a bad one fails before start. */
export function parseEmulatorArgs(argv: readonly string[]): EmulatorArgs {
  const { fault, ...opts } = parseEmulatorArgv(argv, FLAGS);
  return { ...opts, ...(fault && { faults: fault.map((f) => parseFaultSpec(f) as unknown as FaultSpec) }) };
}

export interface RunOptions {
  /** Where to print the banner (default stdout). */
  out?: NodeJS.WritableStream;
  /** Stop on these signals (default SIGINT and SIGTERM). Pass [] in tests and close() yourself. */
  signals?: NodeJS.Signals[];
}

export async function runSapB1Emulator(argv: readonly string[], run: RunOptions = {}): Promise<SapB1Emulator> {
  const { faults, ...options } = parseEmulatorArgs(argv);
  const emulator = await startSapB1Emulator(options);
  try {
    for (const fault of faults ?? []) emulator.faults.add(fault);
  } catch (err) {
    await emulator.close();
    throw err;
  }
  const out = run.out ?? process.stdout;
  out.write(
    `SAP Business One Service Layer emulator listening on ${emulator.url}\n` +
      `  service roots: ${emulator.url}/b1s/v1  ${emulator.url}/b1s/v2\n` +
      `  CompanyDB: ${emulator.companyDb}  user: ${(options.users ?? [{ userName: 'manager' }])[0]?.userName ?? 'manager'}\n`,
  );
  for (const signal of run.signals ?? (['SIGINT', 'SIGTERM'] as NodeJS.Signals[])) {
    process.once(signal, () => {
      emulator.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  return emulator;
}
