/**
 * The connector context the conformance suite opens connections with: an in-memory credential
 * vault (one per fixture, so rotated tokens survive between the suite's connections), a silent
 * logger, and whatever the fixture overrides.
 */
import type {
  Connection,
  ConnectorContext,
  ConnectorDefinition,
  CredentialVault,
} from '../../engine/connector/types.js';
import { silentLogger } from '../../engine/runtime/logger.js';

/** A CredentialVault kept in memory, with the same compare-and-swap semantics as the state store's. */
export function memoryVault(): CredentialVault {
  const entries = new Map<string, { json: string; version: number }>();
  return {
    async get<T>(name: string) {
      const e = entries.get(name);
      return e ? { value: JSON.parse(e.json) as T, version: e.version } : undefined;
    },
    async put<T>(name: string, value: T, expectedVersion?: number) {
      const cur = entries.get(name);
      if (expectedVersion === 0 && cur) return false;
      if (expectedVersion !== undefined && expectedVersion !== 0 && cur?.version !== expectedVersion) return false;
      entries.set(name, { json: JSON.stringify(value), version: (cur?.version ?? 0) + 1 });
      return true;
    },
    async delete(name: string) {
      entries.delete(name);
    },
  };
}

export function conformanceContext(
  overrides: Partial<ConnectorContext> = {},
  vault: CredentialVault = memoryVault(),
): ConnectorContext {
  return {
    connectionName: 'conformance',
    baseDir: process.cwd(),
    credentials: vault,
    logger: silentLogger(),
    ...overrides,
  };
}

/** Opens a connection, runs `fn`, and always closes it. */
export async function withConnection<Config, T>(
  definition: ConnectorDefinition<Config>,
  config: Config,
  context: ConnectorContext,
  fn: (connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = await definition.open(config, context);
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}
