/**
 * Every connector sluice ships, listed explicitly. The registry is built from this list (never from
 * import side effects), so tests can build a registry with only what they need. Each connector and
 * each emulator is imported on first use: a command loads only the connectors it uses.
 */
import { registryFromLoaders, type ConnectorLoaders, type Registry } from '../engine/connector/registry.js';
import { AR_PLATFORM_EMULATOR_USAGE } from './ar-platform/emulator/usage.js';
import { CONCUR_EMULATOR_USAGE } from './concur/emulator/usage.js';
import { SAP_B1_EMULATOR_USAGE } from './sap-b1/emulator/usage.js';

export const connectorLoaders = {
  file: async () => (await import('./file/index.js')).fileConnector,
  sql: async () => (await import('./sql/index.js')).sqlConnector,
  concur: async () => (await import('./concur/index.js')).concurConnector,
  'sap-b1': async () => (await import('./sap-b1/index.js')).sapB1Connector,
  http: async () => (await import('./http/index.js')).httpConnector,
  sftp: async () => (await import('./sftp/index.js')).sftpConnector,
} as const satisfies ConnectorLoaders;

export type ConnectorName = keyof typeof connectorLoaders;

/** A registry of the named connectors (default: every one), importing only those. */
export function loadRegistry(names?: readonly ConnectorName[]): Promise<Registry> {
  return registryFromLoaders(connectorLoaders, names);
}

/** Emulators of remote systems, runnable on their own (`sluice emulate <name>`), imported when run. */
export const emulators: Record<string, { run: (argv: readonly string[]) => Promise<unknown>; usage: string }> = {
  concur: {
    run: async (argv) => (await import('./concur/emulator/main.js')).runConcurEmulator(argv),
    usage: CONCUR_EMULATOR_USAGE,
  },
  'sap-b1': {
    run: async (argv) => (await import('./sap-b1/emulator/main.js')).runSapB1Emulator(argv),
    usage: SAP_B1_EMULATOR_USAGE,
  },
  'ar-platform': {
    run: async (argv) => (await import('./ar-platform/emulator/main.js')).runArPlatformEmulator(argv),
    usage: AR_PLATFORM_EMULATOR_USAGE,
  },
};
