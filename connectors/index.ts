/**
 * Every connector sluice ships, listed explicitly. The registry is built from this list (never from
 * import side effects), so tests can build a registry with only what they need.
 */
import { createRegistry } from '../engine/connector/registry.js';
import { concurConnector } from './concur/index.js';
import { runConcurEmulator } from './concur/emulator/main.js';
import { fileConnector } from './file/index.js';
import { sapB1Connector } from './sap-b1/index.js';
import { runSapB1Emulator } from './sap-b1/emulator/main.js';
import { sqlConnector } from './sql/index.js';

export const connectors = [fileConnector, sqlConnector, concurConnector, sapB1Connector] as const;

export const registry = createRegistry(connectors);

/** Emulators of remote systems, runnable on their own (`sluice emulate <name>`). */
export const emulators: Record<string, (argv: readonly string[]) => Promise<unknown>> = {
  concur: runConcurEmulator,
  'sap-b1': runSapB1Emulator,
};
