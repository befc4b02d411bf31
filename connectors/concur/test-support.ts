/** Helpers for the connector's tests: a config pointing at an emulator, and opening a connection. */
import { withResources, type ResourceOpener } from '../../engine/connector/dispatch.js';
import type { CredentialVault, DataRecord, ReadRequest } from '../../engine/connector/types.js';
import type { Clock } from '../../engine/runtime/clock.js';
import { silentLogger, type Logger } from '../../engine/runtime/logger.js';
import { memoryVault } from '../../test/conformance/context.js';
import type { ConcurEmulator } from './emulator/index.js';
import { concurConnector, openConcur, type ConcurConnection } from './index.js';
import type { ConcurConfig } from './config.js';

/** An open connection with its resources bound by name (the engine's dispatch). */
export type TestConnection = ConcurConnection & ResourceOpener;

/** A config for the emulator's demo company, with fast retries and polling. */
export function emulatorConfig(emu: ConcurEmulator, overrides: Partial<ConcurConfig> = {}): ConcurConfig {
  const c = emu.credentials;
  return {
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    companyUuid: c.companyUuid,
    requestToken: c.requestToken,
    authUrl: emu.baseUrl,
    systemId: 'SAPB1',
    retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 2000 },
    provisioning: { pollIntervalMs: 1, timeoutMs: 5000 },
    ...overrides,
  };
}

export interface OpenOptions {
  config?: Partial<ConcurConfig>;
  vault?: CredentialVault;
  connectionName?: string;
  logger?: Logger;
  clock?: Clock;
}

export async function openAgainst(emu: ConcurEmulator, o: OpenOptions = {}): Promise<TestConnection> {
  const conn = await openConcur(emulatorConfig(emu, o.config), {
    connectionName: o.connectionName ?? 'concur-test',
    baseDir: process.cwd(),
    credentials: o.vault ?? memoryVault(),
    logger: o.logger ?? silentLogger(),
    ...(o.clock && { clock: o.clock }),
  });
  return withResources(concurConnector, conn);
}

export async function readAll(
  connection: ResourceOpener,
  resource: string,
  options: DataRecord = {},
  request: ReadRequest = {},
): Promise<DataRecord[][]> {
  const pages: DataRecord[][] = [];
  for await (const page of connection.source(resource, options).read(request)) pages.push(page);
  return pages;
}
