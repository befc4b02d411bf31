/**
 * Offline stand-ins for a pipeline's real resources, used by `sluice test`: the same resource
 * definitions (roles, key, capabilities, static checks), with records from the test file instead
 * of a remote system. Nothing here writes anywhere.
 */
import type {
  Connection,
  ConnectorDefinition,
  DataRecord,
  ResourceDefinition,
  SourceResource,
  TargetRecord,
  TargetResource,
} from '../connector/types.js';
import { ConnectorError } from '../errors.js';

export const META_FIELDS = ['_id', '_locked', '_active', '_createdBySluice', '_connection'] as const;

export function stripMeta(record: DataRecord): DataRecord {
  const out: DataRecord = {};
  for (const [k, v] of Object.entries(record)) if (!(META_FIELDS as readonly string[]).includes(k)) out[k] = v;
  return out;
}

export interface FixtureData {
  records: DataRecord[];
  /** Computes a target snapshot record's key (the pipeline's dedupe key). */
  keyOf?: (record: DataRecord) => string | Promise<string>;
}

interface FixtureConnection extends Connection {
  source: SourceResource;
  target: TargetResource;
}

export function fixtureConnector(
  name: string,
  resourceName: string,
  resource: ResourceDefinition<never>,
  data: FixtureData,
): ConnectorDefinition<Record<string, unknown>, FixtureConnection> {
  return {
    name,
    description: `fixture records for ${resourceName}`,
    configSchema: { type: 'object' },
    resources: {
      [resourceName]: {
        ...resource,
        openSource: (conn: FixtureConnection) => conn.source,
        openTarget: (conn: FixtureConnection) => conn.target,
      },
    },
    open(): Promise<FixtureConnection> {
      let index: Map<string, TargetRecord> | undefined;
      const build = async (): Promise<Map<string, TargetRecord>> => {
        if (index) return index;
        index = new Map();
        let n = 0;
        for (const raw of data.records) {
          const record = stripMeta(raw);
          const key = await data.keyOf!(record);
          n++;
          index.set(key, {
            key,
            id: raw._id === undefined ? `fixture-${n}` : String(raw._id),
            record,
            ...(raw._active === false && { active: false }),
            ...(typeof raw._locked === 'string' && { locked: raw._locked }),
          });
        }
        return index;
      };
      return Promise.resolve({
        source: {
          async *read() {
            yield data.records.map((r) => structuredClone(r));
          },
          confirm: () => Promise.resolve(),
        },
        target: {
          commitWindowMs: 0,
          async lookup(keys) {
            const all = await build();
            return new Map(keys.filter((k) => all.has(k)).map((k) => [k, all.get(k)!]));
          },
          async *list() {
            yield [...(await build()).values()];
          },
          write: () => Promise.reject(new ConnectorError('FIXTURE_READ_ONLY', 'pipeline tests never write')),
        },
        stats: () => ({ apiCalls: 0 }),
        close: () => Promise.resolve(),
      });
    },
  };
}
