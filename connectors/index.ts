/**
 * Every connector sluice ships, listed explicitly. The registry is built from this list (never from
 * import side effects), so tests can build a registry with only what they need.
 */
import { createRegistry } from '../engine/connector/registry.js';
import { concurConnector } from './concur/index.js';
import { runConcurEmulator } from './concur/emulator/main.js';
import { CONCUR_EMULATOR_USAGE } from './concur/emulator/usage.js';
import { fileConnector } from './file/index.js';
import { sapB1Connector } from './sap-b1/index.js';
import { runSapB1Emulator } from './sap-b1/emulator/main.js';
import { SAP_B1_EMULATOR_USAGE } from './sap-b1/emulator/usage.js';
import { sqlConnector } from './sql/index.js';

export const connectors = [fileConnector, sqlConnector, concurConnector, sapB1Connector] as const;

export const registry = createRegistry(connectors);

/** Emulators of remote systems, runnable on their own (`sluice emulate <name>`). */
export const emulators: Record<string, { run: (argv: readonly string[]) => Promise<unknown>; usage: string }> = {
  concur: { run: runConcurEmulator, usage: CONCUR_EMULATOR_USAGE },
  'sap-b1': { run: runSapB1Emulator, usage: SAP_B1_EMULATOR_USAGE },
};
