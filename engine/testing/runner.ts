/**
 * `sluice test`: runs the `<name>.test.yaml` cases beside pipelines, offline (and those beside
 * function libraries, through library-runner.ts). Each case feeds its
 * fixture records through the pipeline's own transform and the normal planner (same code as a real
 * plan, with fixture resources in place of the remote ones) and compares transformed records, plan
 * operations and attention entries with the expectations, printing a readable diff on failure.
 */
import { basename, dirname, join, resolve } from 'node:path';
import type { Registry } from '../connector/registry.js';
import type { DataRecord } from '../connector/types.js';
import { compileSchema, schemaDiagnostics } from '../config/ajv.js';
import type { Diagnostic } from '../config/diagnostics.js';
import { loadJsonSchema } from '../connector/load-schema.js';
import { loadPipeline, type BoundResource, type LoadedPipeline } from '../config/pipeline.js';
import { YamlFile } from '../config/yaml-file.js';
import { silentLogger } from '../runtime/logger.js';
import { runSession } from '../run/session.js';
import { openStateStore } from '../state/store.js';
import { compileKey, keyOrUndefined, type KeyFn } from '../transform/key.js';
import { routedKey } from '../transform/routed-key.js';
import { Transform, type LookupTable } from '../transform/transform.js';
import { describeError } from '../errors.js';
import { fixtureConnector, stripMeta } from './fixture-connector.js';
import { compareAttention, compareOperations, compareRecords } from './compare.js';
import { libraryUnderTest, runLibraryTests } from './library-runner.js';
import type { CaseResult, TestCase, TestFile } from './types.js';

const schema = loadJsonSchema(new URL('../../schemas/pipeline-test.schema.json', import.meta.url));

export type { CaseResult } from './types.js';

/** Any `${env:X}` resolves during offline tests: nothing connects anywhere. */
const anyEnv = new Proxy(
  {},
  { get: (_t, k) => (typeof k === 'string' ? `test-${k}` : undefined) },
) as NodeJS.ProcessEnv;

function rebind(bound: BoundResource, label: string, records: DataRecord[], keyOf?: KeyFn): BoundResource {
  const connector = fixtureConnector(`fixture-${label}`, bound.name, bound.definition, {
    records,
    ...(keyOf && { keyOf }),
  });
  return {
    ...bound,
    connector,
    connection: { ...bound.connection, name: `fixture-${label}`, connector: connector.name, config: {} },
  };
}

async function transformed(pipeline: LoadedPipeline, c: TestCase): Promise<DataRecord[]> {
  const lookups = new Map<string, LookupTable>();
  for (const [name, spec] of Object.entries(pipeline.spec.lookups)) {
    const key = compileKey(spec.key);
    const map = new Map<string, DataRecord>();
    for (const r of c.lookups?.[name] ?? []) {
      const k = await keyOrUndefined(key, r);
      if (k !== undefined && !map.has(k)) map.set(k, r);
    }
    lookups.set(name, { get: (k) => map.get(k), size: map.size });
  }
  const t = await Transform.create(pipeline.program, lookups);
  const out: DataRecord[] = [];
  for (const r of c.source) {
    try {
      out.push(...(await t.apply(r)));
    } catch {
      // parked records have no output; the attention expectations cover them
    }
  }
  return out;
}

async function runCase(base: LoadedPipeline, c: TestCase): Promise<string[]> {
  const keyOf = compileKey(base.spec.target.key ?? '');
  const lookups = new Map<string, BoundResource>();
  for (const [name, b] of base.lookups) lookups.set(name, rebind(b, `lookup-${name}`, c.lookups?.[name] ?? []));
  const failures: string[] = [];
  // A routed pipeline: each target snapshot record names its connection (`_connection`).
  const route = base.route && {
    spec: base.route.spec,
    targets: new Map(
      [...base.route.targets].map(([name, b]) => [
        name,
        rebind(
          b,
          `target-${name}`,
          (c.target ?? []).filter((r) => r._connection === name),
          keyOf,
        ),
      ]),
    ),
  };
  if (route)
    for (const r of c.target ?? [])
      if (typeof r._connection !== 'string' || !route.targets.has(r._connection))
        failures.push(
          `a target record of a routed pipeline needs _connection (one of: ${[...route.targets.keys()].join(', ')}); got ${JSON.stringify(r._connection)}`,
        );
  const pipeline: LoadedPipeline = {
    ...base,
    source: rebind(base.source, 'source', c.source),
    target: route ? [...route.targets.values()][0]! : rebind(base.target, 'target', c.target ?? [], keyOf),
    lookups,
    ...(route && { route }),
  };
  const expect = c.expect ?? {};
  if (expect.records) failures.push(...compareRecords(expect.records, await transformed(pipeline, c)));
  const state = await openStateStore({ url: 'sqlite::memory:', secretKey: 'x'.repeat(64) });
  try {
    const owned = [];
    for (const r of c.target ?? []) {
      if (r._createdBySluice === true)
        owned.push({
          key: route ? routedKey(String(r._connection), await keyOf(stripMeta(r))) : await keyOf(stripMeta(r)),
          targetId: r._id === undefined ? null : String(r._id),
          payloadHash: null,
          status: 'written' as const,
          op: 'create',
          origin: 'created' as const,
        });
    }
    if (owned.length) {
      await state.acquireLease(pipeline.spec.name, 'fixture', 60_000);
      await state.commit(pipeline.spec.name, 'fixture', { ledger: owned });
      await state.releaseLease(pipeline.spec.name, 'fixture');
    }
    const result = await runSession({
      command: 'plan',
      subject: { kind: 'pipeline', pipeline },
      registry: { connectors: new Map(), get: () => undefined, resource: () => undefined, names: () => [] } as Registry,
      logger: silentLogger(),
      state,
      keepOps: 100_000,
    });
    if (result.report.error)
      failures.push(`the plan failed: ${result.report.error.code}: ${result.report.error.message}`);
    if (expect.operations) failures.push(...compareOperations(expect.operations, result.ops));
    if (expect.attention) failures.push(...compareAttention(expect.attention, result.attention));
  } finally {
    await state.close();
  }
  return failures;
}

export async function runTestFile(
  path: string,
  registry: Registry,
  connectionsPath?: string,
): Promise<{ results: CaseResult[]; diagnostics: Diagnostic[] }> {
  const file = YamlFile.read(path);
  const diagnostics = [...file.diagnostics];
  if (!file.ok) return { results: [], diagnostics };
  const library = libraryUnderTest(path, file.toJS());
  if (library !== undefined) return runLibraryTests(file, library);
  const data = file.toJS() as TestFile;
  for (const d of schemaDiagnostics(compileSchema(schema), data, file, [])) diagnostics.push(d); // may exceed a call's arguments
  if (diagnostics.some((d) => d.severity === 'error')) return { results: [], diagnostics };
  const pipelinePath = data.pipeline
    ? resolve(dirname(path), data.pipeline)
    : join(dirname(path), basename(path).replace(/\.test\.ya?ml$/, '.yaml'));
  const loaded = loadPipeline(pipelinePath, { registry, env: anyEnv, ...(connectionsPath && { connectionsPath }) });
  if (!loaded.pipeline) return { results: [], diagnostics: [...diagnostics, ...loaded.diagnostics] };
  const results: CaseResult[] = [];
  for (const c of data.cases) {
    let failures: string[];
    try {
      failures = await runCase(loaded.pipeline, c);
    } catch (err) {
      failures = [`the case could not run: ${describeError(err)}`];
    }
    results.push({ file: path, name: c.name, ok: failures.length === 0, failures });
  }
  return { results, diagnostics };
}
