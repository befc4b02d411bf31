/**
 * The demo's three emulators, started together (each on its port from `ports` when that is still
 * free, ports.ts): when one fails to start, the ones already up are closed.
 */
import {
  startArPlatformEmulator,
  type ArPlatformEmulator,
  type ArPlatformEmulatorOptions,
} from '../../connectors/ar-platform/emulator/index.js';
import { startConcurEmulator, type ConcurEmulator } from '../../connectors/concur/emulator/index.js';
import type { ConcurEmulatorOptions } from '../../connectors/concur/emulator/options.js';
import { startSapB1Emulator, type SapB1Emulator } from '../../connectors/sap-b1/emulator/index.js';
import type { SapB1EmulatorOptions } from '../../connectors/sap-b1/emulator/options.js';
import { onPort, type DemoPorts } from './ports.js';

export interface DemoEmulators {
  concur: ConcurEmulator;
  b1: SapB1Emulator;
  ar: ArPlatformEmulator;
}

export interface DemoEmulatorOptions {
  concur?: ConcurEmulatorOptions;
  b1?: SapB1EmulatorOptions;
  ar?: ArPlatformEmulatorOptions;
}

/** Options with the port: the caller's, else the remembered one (tried; any free port when taken). */
function start<O extends { port?: number }, T>(
  o: O | undefined,
  wanted: number | undefined,
  run: (o: O) => Promise<T>,
): Promise<T> {
  const given = o ?? ({} as O);
  if (given.port !== undefined) return run(given);
  return onPort(wanted, (port) => run(port === undefined ? given : { ...given, port }));
}

export async function startEmulators(o: DemoEmulatorOptions, ports: DemoPorts): Promise<DemoEmulators> {
  const concur = await start(o.concur, ports.concur, startConcurEmulator);
  let b1: SapB1Emulator;
  try {
    b1 = await start(o.b1, ports.b1, startSapB1Emulator);
  } catch (err) {
    await concur.close();
    throw err;
  }
  try {
    const ar = await start(o.ar, ports.ar, startArPlatformEmulator);
    return { concur, b1, ar };
  } catch (err) {
    await Promise.all([concur.close(), b1.close()]);
    throw err;
  }
}
