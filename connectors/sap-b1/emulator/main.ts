/**
 * Standalone entry (`sluice emulate sap-b1`): starts the emulator and prints its URL and login.
 * `argv` holds the options (leading words such as `emulate sap-b1` are skipped): --port <n>,
 * --host <h>, --fixtures <dir>, --session-timeout <minutes>, --login-delay <ms>, --page-size <n>.
 * Runs until SIGINT/SIGTERM.
 */
import { startSapB1Emulator, type SapB1Emulator } from './index.js';
import type { SapB1EmulatorOptions } from './options.js';

export function parseEmulatorArgs(argv: readonly string[]): SapB1EmulatorOptions {
  const opts: SapB1EmulatorOptions = {};
  const number = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number`);
    return n;
  };
  // Leading words (`emulate sap-b1` when handed a whole command line) are not options.
  const first = argv.findIndex((a) => a.startsWith('--'));
  for (let i = first < 0 ? argv.length : first; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--port':
        opts.port = number(flag, value());
        break;
      case '--host':
        opts.host = value();
        break;
      case '--fixtures':
        opts.fixturesDir = value();
        break;
      case '--session-timeout':
        opts.sessionTimeoutMinutes = number(flag, value());
        break;
      case '--login-delay':
        opts.loginDelayMs = number(flag, value());
        break;
      case '--page-size':
        opts.defaultPageSize = number(flag, value());
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  return opts;
}

export interface RunOptions {
  /** Where to print the banner (default stdout). */
  out?: NodeJS.WritableStream;
  /** Stop on these signals (default SIGINT and SIGTERM). Pass [] in tests and close() yourself. */
  signals?: NodeJS.Signals[];
}

export async function runSapB1Emulator(argv: readonly string[], run: RunOptions = {}): Promise<SapB1Emulator> {
  const options = parseEmulatorArgs(argv);
  const emulator = await startSapB1Emulator(options);
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
