/**
 * Opens what a run needs from its pipeline: each connection once (config references resolved,
 * credentials vault scoped to the connection), the source and target resources, and the lookup
 * tables (read once per run, indexed by their key).
 */
import { createHash } from 'node:crypto';
import { openSource, openTarget } from '../connector/dispatch.js';
import type { Connection, DataRecord, SourceResource, TargetResource } from '../connector/types.js';
import { canonicalJson } from '../plan/hash.js';
import { ConfigError } from '../errors.js';
import type { BoundResource, LoadedPipeline } from '../config/pipeline.js';
import { resolveRefs } from '../config/refs.js';
import { compileSchema } from '../config/ajv.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { StateStore } from '../state/store.js';
import { compileKey, isFieldPath, keyOrUndefined } from '../transform/key.js';
import { MapLookup, type LookupTable } from '../transform/transform.js';

export class OpenConnections {
  private readonly open = new Map<string, Connection>();
  private readonly resources = new Map<string, SourceResource | TargetResource>();

  constructor(
    private readonly pipeline: LoadedPipeline,
    private readonly state: StateStore,
    private readonly logger: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly clock?: Clock,
  ) {}

  async connection(bound: BoundResource): Promise<Connection> {
    const name = bound.connection.name;
    let conn = this.open.get(name);
    if (!conn) {
      const config = resolveRefs(bound.connection.config, this.pipeline.connections.dir, this.env);
      const validate = compileSchema(bound.connector.configSchema);
      if (!validate(config)) {
        // Messages name the setting, never its (possibly secret) value.
        const problems = (validate.errors ?? [])
          .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
          .join('; ');
        throw new ConfigError(
          'CONNECTION_INVALID',
          `connection ${name} (${this.pipeline.connections.path}), with its references resolved: ${problems}`,
        );
      }
      conn = await bound.connector.open(config as never, {
        connectionName: name,
        baseDir: this.pipeline.connections.dir,
        credentials: this.state.vault(`connection:${name}`),
        logger: this.logger.child({ connection: name }),
        ...(this.clock && { clock: this.clock }),
      });
      this.open.set(name, conn);
    }
    return conn;
  }

  /** One resource instance per (connection, resource, options) for the whole run: plan and apply share caches. */
  async source(bound: BoundResource, options: object | undefined): Promise<SourceResource> {
    const id = JSON.stringify(['source', bound.connection.name, bound.name, options ?? {}]);
    let res = this.resources.get(id) as SourceResource | undefined;
    if (!res) {
      const conn = await this.connection(bound);
      res = openSource(bound.connector, conn, bound.name, (options ?? {}) as DataRecord);
      this.resources.set(id, res);
    }
    return res;
  }

  async target(
    bound: BoundResource,
    options: object | undefined,
    keyField: string | undefined,
  ): Promise<TargetResource> {
    const id = JSON.stringify(['target', bound.connection.name, bound.name, options ?? {}, keyField ?? null]);
    let res = this.resources.get(id) as TargetResource | undefined;
    if (!res) {
      const conn = await this.connection(bound);
      res = openTarget(bound.connector, conn, bound.name, (options ?? {}) as DataRecord, {
        keyField,
        mode: this.pipeline.spec.target.mode ?? 'upsert',
      });
      this.resources.set(id, res);
    }
    return res;
  }

  stats(): Record<string, ReturnType<Connection['stats']>> {
    return Object.fromEntries([...this.open].map(([name, c]) => [name, c.stats()]));
  }

  async closeAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const [name, c] of this.open) {
      try {
        await c.close();
      } catch (err) {
        errors.push(err);
        this.logger.warn({ connection: name, err: (err as Error).message }, 'closing connection failed');
      }
    }
    this.open.clear();
    this.resources.clear();
  }
}

/** Reads every lookup of the pipeline once and indexes it by its key. */
export async function loadLookups(
  pipeline: LoadedPipeline,
  conns: OpenConnections,
  logger: Logger,
): Promise<{ tables: Map<string, LookupTable>; contentHash: string }> {
  const out = new Map<string, LookupTable>();
  // What the lookups hold, in read order: an unchanged source record is skipped only while it is the same.
  const content = createHash('sha256');
  for (const [name, bound] of pipeline.lookups) {
    const spec = pipeline.spec.lookups[name]!;
    const key = isFieldPath(spec.key) ? undefined : compileKey(spec.key);
    const source = await conns.source(bound, spec.options);
    const map = new Map<string, DataRecord>();
    let duplicates = 0;
    for await (const page of source.read({})) {
      for (const rec of page) {
        let k: string | undefined;
        if (key) k = await keyOrUndefined(key, rec);
        else {
          const v = rec[spec.key];
          k = v === undefined || v === null ? undefined : String(v);
        }
        if (k === undefined) continue;
        if (map.has(k)) duplicates++;
        else {
          map.set(k, rec);
          content.update(`${name}\u0000${k}\u0000${canonicalJson(rec)}\n`);
        }
      }
    }
    if (duplicates > 0)
      logger.warn(
        { lookup: name, duplicates },
        `lookup ${name}: ${duplicates} record(s) share a key with an earlier one; the first is used`,
      );
    logger.debug({ lookup: name, records: map.size }, 'lookup loaded');
    out.set(name, new MapLookup(map));
  }
  return { tables: out, contentHash: content.digest('hex') };
}
