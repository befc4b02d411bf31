/**
 * Test support for the connector's own tests: an emulator, a connection config pointing at it,
 * and contexts with an in-memory credential vault (shared between "runs" when passed in).
 */
import { withResources, type ResourceOpener } from '../../engine/connector/dispatch.js';
import type { ConnectorContext, CredentialVault } from '../../engine/connector/types.js';
import type { Clock } from '../../engine/runtime/clock.js';
import { silentLogger, type Logger } from '../../engine/runtime/logger.js';
import { memoryVault } from '../../test/conformance/context.js';
import type { SapB1Config } from './config.js';
import { SapB1Connection } from './connection.js';
import { sapB1Connector } from './index.js';
import type { SapB1Emulator } from './emulator/index.js';

export { memoryVault };

/** Fast retries so failure tests take milliseconds. */
export const FAST_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

export function emulatorConfig(emu: SapB1Emulator, overrides: Partial<SapB1Config> = {}): SapB1Config {
  return {
    serviceUrl: emu.url,
    companyDb: emu.companyDb,
    username: 'manager',
    password: 'manager',
    retry: FAST_RETRY,
    timeoutMs: 5_000,
    ...overrides,
  };
}

/** A context for a connection; pass the emulator's clock (`emu.clock`) to share its time. */
export function testContext(
  vault: CredentialVault = memoryVault(),
  logger: Logger = silentLogger(),
  clock?: Clock,
): ConnectorContext {
  return { connectionName: 'b1-test', baseDir: process.cwd(), credentials: vault, logger, ...(clock && { clock }) };
}

export async function openTestConnection(
  emu: SapB1Emulator,
  overrides: Partial<SapB1Config> = {},
  context: ConnectorContext = testContext(),
): Promise<SapB1Connection & ResourceOpener> {
  return withResources(sapB1Connector, await sapB1Connector.open(emulatorConfig(emu, overrides), context));
}

/** Every record of a source read, flattened, and the page sizes seen. */
export async function readAll(
  iterable: AsyncIterable<Record<string, unknown>[]>,
): Promise<{ records: Record<string, unknown>[]; pages: number[] }> {
  const records: Record<string, unknown>[] = [];
  const pages: number[] = [];
  for await (const page of iterable) {
    pages.push(page.length);
    records.push(...page);
  }
  return { records, pages };
}
