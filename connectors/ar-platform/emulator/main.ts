/**
 * Standalone entry: `sluice emulate ar-platform [--port n] [--host h] [--token-ttl s] [--empty]
 * [--fault "<kind> [METHOD] <path> [key=value ...]"]` starts the emulator and prints its URL and demo
 * client until interrupted (the command line and the run are the kit's: engine/emulator-kit/argv.ts,
 * run.ts).
 */
import { emulatorFlags, parseEmulatorArgv, type FlagSpec } from '../../../engine/emulator-kit/argv.js';
import { runEmulator, type RunOptions } from '../../../engine/emulator-kit/run.js';
import { startArPlatformEmulator, type ArPlatformEmulator, type FaultSpec } from './index.js';
import type { ArPlatformEmulatorOptions } from './options.js';

export type { RunOptions } from '../../../engine/emulator-kit/run.js';

/** Options from the command line: the emulator's own, and faults armed from the start. */
export type EmulatorArgs = ArPlatformEmulatorOptions & { faults?: FaultSpec[] };

const FLAGS: readonly FlagSpec<EmulatorArgs & { empty?: boolean }>[] = emulatorFlags(
  { flag: 'token-ttl', kind: 'number', option: 'tokenTtlSeconds' },
  { flag: 'empty', kind: 'boolean', option: 'empty' },
);

export function parseEmulatorArgs(argv: readonly string[]): EmulatorArgs {
  const { empty, ...args } = parseEmulatorArgv(argv, FLAGS);
  return { ...args, ...(empty && { seed: {} }) };
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
  const { faults, ...options } = parseEmulatorArgs(argv);
  return runEmulator({ start: () => startArPlatformEmulator(options), faults, banner }, run);
}
