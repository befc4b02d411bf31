/**
 * Multi-ERP routing through the whole session, on SQLite and MariaDB: each record lands in the
 * connection its route names, exactly once; ledger, duplicates and in-doubt settlement are per
 * connection (the same dedupe key in two companies is two records, a create left in doubt in one is
 * searched for there only); a record the route cannot place is parked and the rest go on.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { dataset, type MemoryDataset } from '../../test/helpers/memory-connector.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { stateBackends } from '../../test/helpers/state-backends.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { SETTLE_MARGIN_MS } from '../apply/applier.js';
import { ManualClock } from '../runtime/clock.js';
import { openStateStore, type StateStore } from '../state/store.js';

const RECORDS = [
  { id: 'a', region: 'EU', amount: 1 },
  { id: 'b', region: 'US', amount: 2 },
  { id: 'c', region: 'EU', amount: 3 },
  // the same dedupe key in the other company: another record
  { id: 'a2', ref: 'a', region: 'US', amount: 4 },
];

describe.each(stateBackends)('routed targets on $name', (backend) => {
  let state: StateStore;
  let cleanup: () => Promise<void>;
  let dir: string;
  let src: MemoryDataset;
  let eu: MemoryDataset;
  let us: MemoryDataset;
  let n = 0;

  beforeAll(async () => {
    const db = await backend.fresh();
    cleanup = db.cleanup;
    state = await openStateStore({ url: db.url, secretKey: 'k'.repeat(64) });
  });
  afterAll(async () => {
    await state.close();
    await cleanup();
  });
  beforeEach(() => {
    dir = tempDir();
    src = dataset(`${dir}:src`);
    eu = dataset(`${dir}:eu`);
    us = dataset(`${dir}:us`);
    src.source = RECORDS.map((r) => ({ ...r }));
  });

  const pipeline = (connection: unknown = { route: 'region', map: { EU: 'eu', US: 'us' } }): string => {
    const p = writePipeline(dir, {
      name: `route${n++}`,
      transform: '{ "id": ref ? ref : id, "region": region, "amount": amount }',
      target: { connection },
    });
    writeFileSync(
      join(dir, 'connections.yaml'),
      stringify({
        connections: Object.fromEntries(
          ['src', 'eu', 'us'].map((c) => [c, { connector: 'memory', dataset: `${dir}:${c}` }]),
        ),
      }),
    );
    return p;
  };
  const held = (d: MemoryDataset): Record<string, unknown>[] =>
    [...d.target.values()].map((r) => r.record).sort((x, y) => String(x.id).localeCompare(String(y.id)));

  it('writes each record to its connection once; the plan counts per connection; a rerun is all noops', async () => {
    const p = pipeline();
    const planned = await session(state, { command: 'plan', pipelinePath: p });
    expect(planned.report.plan?.counts).toMatchObject({ create: 4, attention: 0 });
    expect(planned.report.plan?.connections).toEqual({
      eu: expect.objectContaining({ create: 2, attention: 0 }),
      us: expect.objectContaining({ create: 2, attention: 0 }),
    });
    expect(planned.ops.map((o) => o.key).sort()).toEqual(['eu/a', 'eu/c', 'us/a', 'us/b']);
    expect(eu.writes).toHaveLength(0);

    const first = await session(state, { command: 'run', pipelinePath: p });
    expect(first.exitCode).toBe(0);
    expect(first.report.apply).toMatchObject({ created: 4, failed: 0 });
    expect(held(eu)).toEqual([
      { id: 'a', region: 'EU', amount: 1 },
      { id: 'c', region: 'EU', amount: 3 },
    ]);
    expect(held(us)).toEqual([
      { id: 'a', region: 'US', amount: 4 },
      { id: 'b', region: 'US', amount: 2 },
    ]);
    // Each connection was sent only its own records, with their plain keys.
    expect(eu.writes.flat().map((w) => w.key)).toEqual(['a', 'c']);
    expect(
      us.writes
        .flat()
        .map((w) => w.key)
        .sort(),
    ).toEqual(['a', 'b']);
    const ledger = await state.ledgerGet(first.report.pipeline, ['eu/a', 'us/a', 'a']);
    expect([...ledger.keys()].sort()).toEqual(['eu/a', 'us/a']);
    expect([ledger.get('eu/a')!.status, ledger.get('us/a')!.status]).toEqual(['written', 'written']);
    expect(ledger.get('eu/a')!.targetId).toBe(eu.target.get('a')!.id);
    expect(ledger.get('us/a')!.targetId).toBe(us.target.get('a')!.id);

    const again = await session(state, { command: 'run', pipelinePath: p });
    expect(again.report.plan?.counts).toMatchObject({ create: 0, update: 0, noop: 4 });
    expect(eu.writes.flat()).toHaveLength(2);
    expect(us.writes.flat()).toHaveLength(2);
  });

  it('parks a record routed to no connection (config) and one whose route yields nothing (data); the rest go on', async () => {
    src.source = [...RECORDS, { id: 'd', region: 'APAC', amount: 5 }, { id: 'e', amount: 6 }];
    const p = pipeline();
    const r = await session(state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(3);
    expect(r.report.apply).toMatchObject({ created: 4 });
    const att = await state.attentionList({ pipeline: r.report.pipeline });
    expect(att.map((e) => [e.sourceKey, e.stage, e.code, e.reasonClass])).toEqual([
      ['d', 'key', 'ROUTE_UNMAPPED', 'config'],
      ['e', 'key', 'ROUTE_FAILED', 'data'],
    ]);
    expect(att[0]!.message).toContain('yields "APAC", which target.connection.map has no connection for');
    expect(att[1]!.message).toContain('yields nothing');
    expect(held(eu).map((x) => x.id)).toEqual(['a', 'c']);
  });

  it('a `to` route yields the connection itself, from the source record', async () => {
    const p = pipeline({ route: "$source.region = 'EU' ? 'eu' : 'us'", to: ['eu', 'us'] });
    const r = await session(state, { command: 'run', pipelinePath: p });
    expect(r.report.apply).toMatchObject({ created: 4 });
    expect(held(eu).map((x) => x.id)).toEqual(['a', 'c']);
    expect(held(us).map((x) => x.id)).toEqual(['a', 'b']);
  });

  it('settles a create left in doubt in one company by searching that company only, and never sends it twice', async () => {
    const WINDOW = 60_000;
    eu.commitWindowMs = WINDOW;
    us.commitWindowMs = 0;
    const clock = new ManualClock(Date.UTC(2026, 11, 1, 9, 0, 0), { autoAdvance: true });
    eu.faults.push({ kind: 'slow-commit', times: 1 });
    const p = pipeline();
    const first = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(first.report.apply).toMatchObject({ created: 2, inDoubt: 2 });
    expect(held(us).map((x) => x.id)).toEqual(['a', 'b']);
    const pending = await state.ledgerGet(first.report.pipeline, ['eu/a']);
    expect(pending.get('eu/a')!.status).toBe('pending');

    clock.advance(1_000);
    const early = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(early.report.plan?.counts).toMatchObject({ inDoubt: 2, create: 0, noop: 2 });
    expect(eu.writes).toHaveLength(1);

    eu.landInFlight();
    clock.advance(WINDOW + SETTLE_MARGIN_MS);
    const late = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(late.report.settled).toEqual({ found: 2, absent: 0, waiting: 0 });
    expect(late.exitCode).toBe(0);
    expect(eu.writes).toHaveLength(1);
    expect(held(eu).map((x) => x.id)).toEqual(['a', 'c']);
    // Key `a` is in both companies: had settlement searched the US one, `eu/c` would be absent and sent again.
    expect((await state.ledgerGet(late.report.pipeline, ['eu/a'])).get('eu/a')!.status).toBe('written');
  });

  it('mirror deletes a record that left the source in its own connection only', async () => {
    const p = pipeline();
    writeFileSync(
      p,
      readFileSync(p, 'utf8').replace('mode: upsert', 'mode: mirror\n  deletes: { action: delete, maxPercent: 50 }'),
    );
    expect((await session(state, { command: 'run', pipelinePath: p })).report.apply).toMatchObject({ created: 4 });
    src.source = RECORDS.filter((r) => r.id !== 'a'); // EU's `a` leaves; US's `a` (from a2) stays
    const r = await session(state, { command: 'run', pipelinePath: p });
    expect(r.report.plan?.connections).toMatchObject({ eu: { delete: 1, noop: 1 }, us: { delete: 0, noop: 2 } });
    expect(r.report.apply).toMatchObject({ deleted: 1 });
    expect(held(eu).map((x) => x.id)).toEqual(['c']);
    expect(held(us).map((x) => x.id)).toEqual(['a', 'b']);
  });

  it("matches by a key expression through each connection's list, and applies a saved plan as reviewed", async () => {
    const p = pipeline();
    writeFileSync(p, readFileSync(p, 'utf8').replace('key: id', 'key: "$string(id)"'));
    // already in the US company, not in the ledger: adopted there, not created again
    us.target.set('b', { id: 'T9', record: { id: 'b', region: 'US', amount: 2 }, active: true });
    const out = join(dir, 'plan.json');
    const planned = await session(state, { command: 'plan', pipelinePath: p, planOut: out });
    expect(planned.report.plan?.connections).toMatchObject({ eu: { create: 2 }, us: { create: 1, noop: 1 } });
    const applied = await session(state, { command: 'apply', planPath: out });
    expect(applied.exitCode).toBe(0);
    expect(applied.report.apply).toMatchObject({ created: 3, adopted: 1 });
    expect(held(eu).map((x) => x.id)).toEqual(['a', 'c']);
    expect([...us.target.values()].map((r) => r.id).sort()).toContain('T9');
    expect(us.target.size).toBe(2);
  });
});
