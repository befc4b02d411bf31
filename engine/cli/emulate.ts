/** `sluice emulate <system> [options]`: a stateful emulator of a remote system, for demos and trials. */
import type { Command } from 'commander';
import { write, type CliIo } from './common.js';

export interface Emulator {
  run(argv: readonly string[]): Promise<unknown>;
  /** Its options and endpoints, printed by `sluice emulate <system> --help`. */
  usage: string;
}

const isHelp = (a: string): boolean => a === '--help' || a === '-h';

export function emulateCommand(program: Command, io: CliIo, emulators: Record<string, Emulator>): void {
  const names = Object.keys(emulators);
  const help = (): string =>
    `Usage: sluice emulate <system> [options]\n\nRuns an emulator on loopback until interrupted. Systems: ${names.join(', ')}.\n` +
    `Options of a system: sluice emulate <system> --help. Every emulator answers GET /_emulator/counters\n` +
    `with the requests it has counted. Reference: docs/emulators.md\n`;
  program
    .command('emulate')
    .description(
      `run an emulator on loopback until interrupted (${names.join(', ')}); sluice emulate <system> --help for its options`,
    )
    .argument('[system]', names.join(' | '))
    .argument('[options...]', 'emulator options (--port, --fixtures, ...)')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (system: string | undefined, options: string[]) => {
      if (system === undefined || isHelp(system)) {
        write(system === undefined ? io.stderr : io.stdout, help());
        io.exitCode = system === undefined ? 2 : 0;
        return;
      }
      const emulator = emulators[system];
      if (!emulator) {
        write(io.stderr, `unknown emulator "${system}"; available: ${names.join(', ')}\n`);
        io.exitCode = 2;
        return;
      }
      if (options.some(isHelp)) {
        write(io.stdout, emulator.usage);
        return;
      }
      try {
        await emulator.run(options);
      } catch (err) {
        write(io.stderr, `sluice emulate ${system}: ${(err as Error).message}; see sluice emulate ${system} --help\n`);
        io.exitCode = 2;
      }
    });
}
