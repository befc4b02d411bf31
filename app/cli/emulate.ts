/** `sluice emulate <system> [options]`: a stateful emulator of a remote system, for demos and trials. */
import type { Command } from 'commander';
import { write, type CliIo } from './common.js';

export type EmulatorRunner = (argv: readonly string[]) => Promise<unknown>;

export function emulateCommand(program: Command, io: CliIo, emulators: Record<string, EmulatorRunner>): void {
  program
    .command('emulate')
    .description(
      `run an emulator on loopback until interrupted (${Object.keys(emulators).join(', ')}); options go to the emulator, e.g. --port 8080`,
    )
    .argument('<system>', Object.keys(emulators).join(' | '))
    .argument('[options...]', 'emulator options (--port, --fixtures, ...)')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (system: string, options: string[]) => {
      const run = emulators[system];
      if (!run) {
        write(io.stderr, `unknown emulator "${system}"; available: ${Object.keys(emulators).join(', ')}\n`);
        io.exitCode = 2;
        return;
      }
      try {
        await run(options);
      } catch (err) {
        write(io.stderr, `sluice emulate ${system}: ${(err as Error).message}\n`);
        io.exitCode = 2;
      }
    });
}
