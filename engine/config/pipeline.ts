/**
 * Loads one pipeline file and checks everything that can be checked before running: YAML, the
 * envelope schema, connections and resources and their roles, resource options, the dedupe key, the
 * transform's JSONata and its function libraries (with positions inside the file that holds them)
 * and the lookups and functions it names.
 */
import { createHash } from 'node:crypto';
import { dirname, relative, resolve } from 'node:path';
import type { Registry } from '../connector/registry.js';
import { resourcesWithRole } from '../connector/registry.js';
import type { ConnectorDefinition, ResourceDefinition, Role } from '../connector/types.js';
import { loadJsonSchema } from '../connector/load-schema.js';
import { isFieldPath } from '../transform/key.js';
import { parseJsonata } from '../transform/jsonata-ast.js';
import type { JsonataProgram } from '../transform/library.js';
import { compileSchema, schemaDiagnostics } from './ajv.js';
import {
  envRefDiagnostics,
  findConnectionsFile,
  loadConnections,
  type ConnectionEntry,
  type ConnectionsFile,
  type EnvRefPolicy,
} from './connections.js';
import type { Diagnostic } from './diagnostics.js';
import type { PipelineFile } from './pipeline.generated.js';
import { incrementalDiagnostics, isIncrementalSchemaError } from './incremental.js';
import { loadProgram } from './jsonata-program.js';
import { checkSchedule } from './schedule.js';
import { alertDiagnostics } from './alerts.js';
import { checkRoute, isRoute, type RouteSpec } from './route.js';
import { YamlFile, type YamlPath } from './yaml-file.js';

const envelope = loadJsonSchema(new URL('../../schemas/pipeline.schema.json', import.meta.url));

export interface BoundResource {
  connection: ConnectionEntry;
  connector: ConnectorDefinition;
  name: string;
  definition: ResourceDefinition;
}

export interface LoadedPipeline {
  path: string;
  dir: string;
  /**
   * sha256 of the pipeline file's text (UTF-8, a leading BOM excluded) and, when it names JSONata
   * files (transform file, function libraries), of their paths and texts too.
   */
  hash: string;
  spec: PipelineFile & { lookups: NonNullable<PipelineFile['lookups']>; on_error: 'attention' | 'fail' };
  file: YamlFile;
  /** The transform and the function libraries, read and compiled once by validation. */
  program: JsonataProgram;
  connections: ConnectionsFile;
  source: BoundResource;
  target: BoundResource;
  lookups: Map<string, BoundResource>;
  /**
   * Set when `target.connection` is a route: the target of each connection it can produce (same
   * connector and resource as `target`, which is the first of them).
   */
  route?: { spec: RouteSpec; targets: Map<string, BoundResource> };
}

export interface LoadOptions {
  registry: Registry;
  connectionsPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How undefined `${env:}` references count (default `used`: errors for the connections this pipeline opens). */
  envRefs?: EnvRefPolicy;
  /** Connections files already loaded, by path (validating many pipelines reads a shared file once). */
  connectionsCache?: Map<string, ConnectionsFile>;
}

export interface LoadResult {
  pipeline?: LoadedPipeline;
  diagnostics: Diagnostic[];
  connections?: ConnectionsFile;
}

class Checker {
  readonly out: Diagnostic[] = [];
  constructor(readonly file: YamlFile) {}
  /** Appends without spreading: a file can have more problems than a call can take arguments. */
  add(list: readonly Diagnostic[]): void {
    for (const d of list) this.out.push(d);
  }
  at(path: YamlPath, code: string, message: string, which: 'key' | 'value' = 'value'): void {
    const p = this.file.locate(path, which);
    this.out.push({ file: this.file.path, line: p.line, col: p.col, code, message, severity: 'error' });
  }
  atOffset(path: YamlPath, offset: number, code: string, message: string): void {
    const p = this.file.locateInString(path, offset);
    this.out.push({ file: this.file.path, line: p.line, col: p.col, code, message, severity: 'error' });
  }
}

function bind(
  c: Checker,
  registry: Registry,
  conns: ConnectionsFile,
  spec: { connection: string; resource: string; options?: object },
  path: YamlPath,
  role: Role,
  connectionPath: YamlPath = [...path, 'connection'],
): BoundResource | undefined {
  const entry = conns.entries.get(spec.connection);
  if (!entry) {
    const known = [...conns.entries.keys()];
    c.at(
      connectionPath,
      'CONNECTION_UNKNOWN',
      `unknown connection "${spec.connection}"; ${known.length ? `defined in ${conns.path}: ${known.join(', ')}` : `${conns.path} defines none`}`,
    );
    return undefined;
  }
  const connector = registry.get(entry.connector);
  if (!connector) return undefined; // reported on the connections file
  const definition = connector.resources[spec.resource];
  if (!definition) {
    c.at(
      [...path, 'resource'],
      'RESOURCE_UNKNOWN',
      `connector "${connector.name}" has no resource "${spec.resource}"; it offers: ${Object.keys(connector.resources).sort().join(', ')}`,
    );
    return undefined;
  }
  if (!definition.roles.includes(role)) {
    const alt = resourcesWithRole(connector, role);
    c.at(
      [...path, 'resource'],
      'ROLE_UNSUPPORTED',
      `resource "${spec.resource}" of connector "${connector.name}" cannot be used as ${role} (it supports: ${definition.roles.join(', ')}); ${role} resources: ${alt.join(', ') || 'none'}`,
    );
    return undefined;
  }
  c.add(schemaDiagnostics(compileSchema(definition.optionsSchema), spec.options ?? {}, c.file, [...path, 'options']));
  return { connection: entry, connector, name: spec.resource, definition };
}

/** Binds every connection a route can produce: each exists, all of one connector, which offers the target resource. */
function bindRoute(
  c: Checker,
  registry: Registry,
  conns: ConnectionsFile,
  target: { connection: unknown; resource: string; options?: object },
): { bound: BoundResource; route: NonNullable<LoadedPipeline['route']> } | undefined {
  if (!isRoute(target.connection)) return undefined;
  const checked = checkRoute(c, target.connection);
  if (!checked) return undefined;
  let first: { entry: ConnectionEntry; path: YamlPath } | undefined;
  let failed = false;
  for (const { name, path } of checked.names) {
    const entry = conns.entries.get(name);
    if (!entry) {
      bind(c, registry, conns, { ...target, connection: name }, ['target'], 'target', path); // reports it
      failed = true;
    } else if (!first) first = { entry, path };
    else if (entry.connector !== first.entry.connector) {
      c.at(
        path,
        'ROUTE_CONNECTOR_MISMATCH',
        `connection "${name}" is a ${entry.connector} connection, but "${first.entry.name}" is ${first.entry.connector}: every connection of a route is of the same connector`,
      );
      failed = true;
    }
  }
  if (!first) return undefined;
  const bound = bind(c, registry, conns, { ...target, connection: first.entry.name }, ['target'], 'target', first.path);
  if (!bound || failed) return undefined;
  const targets = new Map<string, BoundResource>();
  for (const { name } of checked.names) targets.set(name, { ...bound, connection: conns.entries.get(name)! });
  return { bound, route: { spec: checked.spec, targets } };
}

function checkKeyExpression(c: Checker, key: string, path: YamlPath): void {
  if (isFieldPath(key)) return;
  const { problem } = parseJsonata(key);
  if (problem) c.atOffset(path, problem.offset, 'JSONATA_SYNTAX', `in key expression: ${problem.message}`);
}

function checkTarget(c: Checker, spec: LoadedPipeline['spec'], target: BoundResource | undefined): void {
  const t = spec.target;
  const key: unknown = t.key;
  if (typeof key === 'string' && key.trim() !== '') checkKeyExpression(c, key, ['target', 'key']);
  else if (key === undefined || typeof key === 'string') {
    c.at(
      ['target'],
      'KEY_MISSING',
      'target.key (the dedupe key) is missing: name the target field that identifies a record across runs, e.g. `key: Reference`',
      'key',
    );
  } // a key of another type is reported by the schema
  if (!target) return;
  const caps = target.definition.capabilities;
  const mode = t.mode ?? 'upsert';
  if (caps.modes && !caps.modes.includes(mode)) {
    c.at(
      ['target', 'mode'],
      'MODE_UNSUPPORTED',
      `resource "${target.name}" supports mode ${caps.modes.join(' | ')}, not ${mode}`,
    );
  }
  if (t.deletes && mode !== 'mirror')
    c.at(['target', 'deletes'], 'DELETES_WITHOUT_MIRROR', 'target.deletes only applies to mode: mirror');
  if (t.corrections === 'reverse-and-repost' && !(caps.immutable && caps.reversible)) {
    c.at(
      ['target', 'corrections'],
      'CORRECTIONS_UNSUPPORTED',
      caps.immutable
        ? `resource "${target.name}" cannot reverse a posted record: use corrections: lock`
        : `resource "${target.name}" updates its records in place; corrections only apply to posted (immutable) records`,
    );
  }
  if (mode === 'mirror') {
    const action = t.deletes?.action ?? 'deactivate';
    const allowed = caps.deleteActions ?? [];
    if (!allowed.includes(action)) {
      c.at(
        t.deletes?.action ? ['target', 'deletes', 'action'] : ['target', 'mode'],
        'DELETE_UNSUPPORTED',
        `resource "${target.name}" cannot ${action} records (supports: ${allowed.join(', ') || 'no deletes'}); set target.deletes.action`,
      );
    }
  }
  if (typeof t.key === 'string' && t.key && !isFieldPath(t.key) && !caps.list) {
    c.at(
      ['target', 'key'],
      'KEY_EXPRESSION_UNSUPPORTED',
      `resource "${target.name}" can only be matched by a plain field key (it cannot list its records); use a field name`,
    );
  }
  if (t.batchSize && caps.bulkSize && t.batchSize > caps.bulkSize) {
    c.at(
      ['target', 'batchSize'],
      'BATCH_TOO_LARGE',
      `resource "${target.name}" takes at most ${caps.bulkSize} records per call`,
    );
  }
}

/**
 * The pipeline's own text alone when it names no JSONata files (so such a pipeline's hash is what it
 * was); else also each file's path relative to the pipeline (a checkout elsewhere hashes the same) and text.
 */
function pipelineHash(text: string, program: JsonataProgram, dir: string): string {
  const h = createHash('sha256').update(text);
  const files = [
    ...(program.transformFile !== undefined ? [{ path: program.transformFile, text: program.transform }] : []),
    ...program.libraries,
  ];
  for (const f of files) h.update(`\0${relative(dir, f.path)}\0${f.text}`);
  return h.digest('hex');
}

export function loadPipeline(path: string, options: LoadOptions): LoadResult {
  const abs = resolve(options.cwd ?? process.cwd(), path);
  const file = YamlFile.read(abs);
  const c = new Checker(file);
  c.add(file.diagnostics);
  if (!file.ok) return { diagnostics: c.out };
  const data = (file.toJS() ?? {}) as Record<string, unknown>;
  c.add(schemaDiagnostics(compileSchema(envelope), data, file, [], 'SCHEMA', isIncrementalSchemaError));
  const spec = structuredClone(data) as unknown as LoadedPipeline['spec'];
  compileSchema(envelope, { useDefaults: true })(spec);
  const connectionsPath = findConnectionsFile(abs, options.connectionsPath, options.cwd);
  let connections = options.connectionsCache?.get(connectionsPath);
  if (!connections) {
    connections = loadConnections(connectionsPath, options.registry, options.env);
    options.connectionsCache?.set(connectionsPath, connections);
  }
  if (typeof spec.schedule?.cron === 'string') c.add(checkSchedule(file, spec.schedule));
  c.add(alertDiagnostics(file, data.alerts, ['alerts'], dirname(abs), options.env ?? process.env));
  c.add(incrementalDiagnostics(file, (spec.source as { incremental?: unknown } | undefined)?.incremental));
  const ok = (v: unknown): v is { connection: string; resource: string } =>
    !!v &&
    typeof v === 'object' &&
    typeof (v as Record<string, unknown>).connection === 'string' &&
    typeof (v as Record<string, unknown>).resource === 'string';
  const source = ok(spec.source)
    ? bind(c, options.registry, connections, spec.source, ['source'], 'source')
    : undefined;
  const routed =
    spec.target && typeof spec.target.resource === 'string' && isRoute(spec.target.connection)
      ? bindRoute(c, options.registry, connections, spec.target)
      : undefined;
  const target = ok(spec.target)
    ? bind(c, options.registry, connections, spec.target, ['target'], 'target')
    : routed?.bound;
  if (spec.target && typeof spec.target === 'object') checkTarget(c, spec, target);
  // A blank transform passes the schema's minLength but does not compile: JSONata reports it.
  const lookupNames = Object.keys(spec.lookups ?? {});
  const program = loadProgram(
    c,
    spec,
    dirname(abs),
    lookupNames,
    target?.definition.lintLiterals?.bind(target.definition),
  );
  const lookups = new Map<string, BoundResource>();
  for (const [name, l] of Object.entries(spec.lookups ?? {})) {
    if (!ok(l)) continue;
    const b = bind(c, options.registry, connections, l, ['lookups', name], 'lookup');
    if (b) lookups.set(name, b);
    if (typeof l.key === 'string') checkKeyExpression(c, l.key, ['lookups', name, 'key']);
  }
  const sourceKey: unknown = (spec.source as { key?: unknown } | undefined)?.key;
  if (typeof sourceKey === 'string' && sourceKey.trim() === '') {
    c.at(
      ['source', 'key'],
      'SOURCE_KEY_EMPTY',
      'source.key is empty; name the source field that identifies a record, or leave it out to use the resource key',
    );
  }
  if (source && spec.source.incremental && !source.definition.capabilities.incremental) {
    c.at(['source', 'incremental'], 'INCREMENTAL_UNSUPPORTED', `resource "${source.name}" cannot read incrementally`);
  }
  const used = new Set(
    [spec.source, spec.target, ...Object.values(spec.lookups ?? {})].flatMap((b) => (ok(b) ? [b.connection] : [])),
  );
  for (const name of routed?.route.targets.keys() ?? []) used.add(name);
  c.add(envRefDiagnostics(connections, options.envRefs ?? 'used', used));
  const diagnostics = c.out;
  const failed = diagnostics.some((d) => d.severity === 'error');
  if (failed || !source || !target || !program) return { diagnostics, connections };
  return {
    pipeline: {
      path: abs,
      dir: dirname(abs),
      hash: pipelineHash(file.text, program, dirname(abs)),
      spec,
      file,
      program,
      connections,
      source,
      target,
      lookups,
      ...(routed && { route: routed.route }),
    },
    diagnostics,
    connections,
  };
}
