/**
 * Multi-ERP routing end to end, on SQLite and on the real MariaDB: one payments file with records
 * for two SAP Business One companies (two emulators) becomes journal entries, each in its own
 * company, exactly once — with `sluice run` killed by SIGKILL while one company is still working on
 * a batch, an immediate rerun, and a later run that settles what was left in doubt. Both companies
 * get the same references (PAY-1…): a look-up in the wrong company would find a namesake. Also: the
 * plan shows the routing, a record for a company the route does not map is parked, and `validate`
 * refuses a route to a connection connections.yaml does not define. And a payment posted in one
 * company whose region then changes is parked ROUTE_CHANGED, not posted in the other company too,
 * until an operator re-syncs it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadRegistry } from '../../connectors/index.js';
import { startSapB1Emulator, type SapB1Emulator } from '../../connectors/sap-b1/emulator/index.js';
import { ManualClock } from '../../engine/runtime/clock.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { runSession } from '../../engine/run/session.js';
import { openStateStore } from '../../engine/state/store.js';
import { checkedEmulators } from '../helpers/checked-emulators.js';
import { cli, startCli } from '../helpers/cli.js';
import { stateBackends, type FreshStore } from '../helpers/state-backends.js';
import { tempDir } from '../helpers/tmp.js';

const SECRET = 'r'.repeat(64);
const PIPELINE = 'payments-to-sap-b1-companies';
type Json = Record<string, unknown>;

/** Source order: four US payments (the first batch, US only), then EU and US alternating. */
const ROWS = [
  ...[1, 2, 3, 4].map((n) => ({ id: `US-${n}`, company: 'US', ref: n })),
  ...[5, 6, 7, 8].flatMap((n) => [
    { id: `EU-${n - 4}`, company: 'EU', ref: n - 4 },
    { id: `US-${n}`, company: 'US', ref: n },
  ]),
  { id: 'AP-1', company: 'APAC', ref: 1 },
];

const pipeline = (map: Record<string, string>): string =>
  stringify({
    version: 1,
    name: PIPELINE,
    source: { connection: 'files', resource: 'records', options: { path: 'payments.csv' } },
    transform: `{
  "ReferenceDate": date,
  "Memo": "Payment " & id,
  "Reference": "PAY-" & ref,
  "JournalEntryLines": [
    { "AccountCode": "6110", "Debit": $number(amount), "Credit": 0 },
    { "AccountCode": "1100", "Debit": 0, "Credit": $number(amount) }
  ]
}`,
    target: {
      connection: { route: '$source.company', map },
      resource: 'journal-entries',
      mode: 'create',
      key: 'Reference',
      batchSize: 4,
    },
  });

describe.each(stateBackends)('routing payments to two SAP B1 companies, state on $name', (backend) => {
  const dir = tempDir('sluice-route-');
  let eu: SapB1Emulator;
  let us: SapB1Emulator;
  let store: FreshStore;
  const env = { B1_PASSWORD: 'manager', SLUICE_SECRET_KEY: SECRET };
  const path = join(dir, `${PIPELINE}.yaml`);
  const attach = checkedEmulators();

  beforeAll(async () => {
    eu = await startSapB1Emulator({ companyDb: 'SBO_EU' });
    us = await startSapB1Emulator({ companyDb: 'SBO_US' });
    attach('sap-b1', eu);
    attach('sap-b1', us);
    store = await backend.fresh();
    const b1 = (emu: SapB1Emulator): Json => ({
      connector: 'sap-b1',
      serviceUrl: emu.url,
      companyDb: emu.companyDb,
      username: 'manager',
      password: '${env:B1_PASSWORD}',
      timeoutMs: 30_000,
      retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    });
    writeFileSync(
      join(dir, 'connections.yaml'),
      stringify({ connections: { 'b1-eu': b1(eu), 'b1-us': b1(us), files: { connector: 'file', baseDir: dir } } }),
    );
    writePayments(ROWS);
    writeFileSync(path, pipeline({ EU: 'b1-eu', US: 'b1-us' }));
  });
  afterAll(async () => {
    await Promise.all([eu?.close(), us?.close()]);
    await store?.cleanup();
  });

  function writePayments(rows: typeof ROWS): void {
    const csv = rows.map((r, i) => `${r.id},${r.company},2026-11-${10 + i},${r.ref}00.25,${r.ref}`);
    writeFileSync(join(dir, 'payments.csv'), ['id,company,date,amount,ref', ...csv].join('\n') + '\n');
  }
  const args = (command: string, extra: string[] = []): string[] => [
    command,
    path,
    '--no-progress',
    '--state',
    store.url,
    ...extra,
  ];
  const run = async (extra: string[] = []): Promise<Json> => {
    const r = await cli(args('run', ['--json', ...extra]), { cwd: dir, env });
    return JSON.parse(r.stdout) as Json;
  };
  /** Standing journal entries of a company, by Reference → how many. */
  const refs = (emu: SapB1Emulator): Map<string, number> => {
    const out = new Map<string, number>();
    for (const e of emu.entities('JournalEntries')) {
      const ref = String(e.Reference ?? '');
      if (ref.startsWith('PAY-')) out.set(ref, (out.get(ref) ?? 0) + 1);
    }
    return out;
  };
  const expected = (...ns: number[]): Map<string, number> => new Map(ns.map((n) => [`PAY-${n}`, 1]));

  it('validate refuses a route to a connection connections.yaml does not define, at its line and column', async () => {
    const bad = join(dir, 'bad-route.yaml');
    writeFileSync(bad, pipeline({ EU: 'b1-eu', US: 'b1-usa' }).replace(`name: ${PIPELINE}`, 'name: bad-route'));
    const r = await cli(['validate', bad], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/bad-route\.yaml:\d+:\d+ +CONNECTION_UNKNOWN[^\n]*unknown connection "b1-usa"/);
    const good = await cli(['validate', path], { cwd: dir, env });
    expect(good.code).toBe(0);
  }, 60_000);

  it('the plan shows each operation with its company and the counts per company', async () => {
    const text = await cli(args('plan'), { cwd: dir, env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('+ create  b1-eu/PAY-1');
    expect(text.stdout).toContain('+ create  b1-us/PAY-1');
    expect(text.stdout).toContain('→ b1-eu: 4 to create');
    expect(text.stdout).toContain('→ b1-us: 8 to create');
    expect(text.stdout).toMatch(/→ \(unrouted\): 0 to create.*1 need attention/);
    expect(text.stdout).toMatch(/AP-1 +ROUTE_UNMAPPED/);
    const json = await cli(args('plan', ['--json']), { cwd: dir, env });
    const doc = JSON.parse(json.stdout) as { operations: { key: string; connection: string }[]; plan: Json };
    const byConnection = new Map<string, number>();
    for (const op of doc.operations) byConnection.set(op.connection, (byConnection.get(op.connection) ?? 0) + 1);
    expect(Object.fromEntries(byConnection)).toEqual({ 'b1-eu': 4, 'b1-us': 8 });
    expect(doc.plan.connections).toMatchObject({ 'b1-eu': { create: 4 }, 'b1-us': { create: 8 } });
    expect(refs(eu).size + refs(us).size).toBe(0);
  }, 120_000);

  it('killed by SIGKILL while one company holds a batch: each company gets its entries exactly once', async () => {
    const hold = eu.faults.add({ method: 'POST', path: '$batch', kind: 'hold' });
    const mark = eu.events.mark();
    const { child, done } = startCli(args('run', ['--json']), { cwd: dir, env });
    const batch = await eu.events.next('request', (e) => e.fault === 'hold', { since: mark });
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    // the first batch (US only) was posted; the second one's EU part is held, its US part never sent
    expect(refs(us)).toEqual(expected(1, 2, 3, 4));
    expect(refs(eu).size).toBe(0);

    // An immediate rerun takes the dead process's lease. What the killed run had sent or was about to
    // send (its creates are recorded in flight first) is in doubt: nothing of it is sent again.
    const here = await run();
    expect(here.exitCode).toBe(3);
    expect((here.plan as Json).counts).toMatchObject({ inDoubt: 4, noop: 4, create: 4 });
    expect(here.apply).toMatchObject({ created: 4, inDoubt: 4 });
    expect(refs(us)).toEqual(expected(1, 2, 3, 4, 7, 8));
    expect(refs(eu)).toEqual(expected(3, 4));

    hold.release(); // SAP (the EU company) commits the batch of the dead process
    await eu.events.next('responded', (e) => e.requestId === batch.requestId, { since: mark });
    expect(refs(eu)).toEqual(expected(1, 2, 3, 4));

    // Later (past every commit window): EU's entries are found in the EU company; the two US ones
    // that were never sent are not found in the US company and are posted, once.
    const state = await openStateStore({ url: store.url, secretKey: SECRET });
    try {
      let latest = 0;
      for await (const page of state.ledgerPending(PIPELINE))
        for (const e of page) latest = Math.max(latest, Date.parse(e.settleAfter!));
      const later = await runSession({
        command: 'run',
        subject: { kind: 'pipeline-file', path },
        registry: await loadRegistry(),
        logger: silentLogger(),
        state,
        cwd: dir,
        env: { ...process.env, ...env },
        clock: new ManualClock(latest + 1, { autoAdvance: true }),
      });
      expect(later.report.settled).toEqual({ found: 2, absent: 2, waiting: 0 });
      expect(later.report.apply).toMatchObject({ created: 2, failed: 0 });
      const ledger = await state.ledgerGet(PIPELINE, ['b1-eu/PAY-1', 'b1-us/PAY-1', 'PAY-1']);
      expect([...ledger.keys()].sort()).toEqual(['b1-eu/PAY-1', 'b1-us/PAY-1']);
      expect(ledger.get('b1-eu/PAY-1')!.targetId).toBe(
        String(eu.entities('JournalEntries').find((e) => e.Reference === 'PAY-1')!.JdtNum),
      );
      const open = await state.attentionList({ pipeline: PIPELINE, statuses: ['open'] });
      expect(open.map((e) => [e.sourceKey, e.code, e.reasonClass])).toEqual([['AP-1', 'ROUTE_UNMAPPED', 'config']]);
    } finally {
      await state.close();
    }
    expect(refs(eu)).toEqual(expected(1, 2, 3, 4));
    expect(refs(us)).toEqual(expected(1, 2, 3, 4, 5, 6, 7, 8));

    // and a last run changes nothing in either company
    const last = await run();
    expect((last.plan as Json).counts).toMatchObject({ create: 0, inDoubt: 0, noop: 12 });
    expect(refs(eu)).toEqual(expected(1, 2, 3, 4));
    expect(refs(us)).toEqual(expected(1, 2, 3, 4, 5, 6, 7, 8));
  }, 180_000);

  it('a payment posted in the US company whose region then changes to EU is parked ROUTE_CHANGED, not posted in the EU company too', async () => {
    writePayments(ROWS.map((r) => (r.id === 'US-5' ? { ...r, company: 'EU' } : r)));
    const posted = us.entities('JournalEntries').find((e) => e.Reference === 'PAY-5')!;
    const plan = await cli(args('plan'), { cwd: dir, env });
    expect(plan.stdout).toMatch(/US-5 +ROUTE_CHANGED/);
    for (let i = 0; i < 2; i++) {
      const r = await run();
      expect(r.exitCode).toBe(3);
      expect((r.plan as Json).counts).toMatchObject({ create: 0, locked: 1 });
      const why = (r.attention as { sample: { sourceKey: string; code: string; message: string }[] }).sample.find(
        (a) => a.sourceKey === 'US-5',
      );
      expect(why).toMatchObject({ code: 'ROUTE_CHANGED' });
      expect(why!.message).toContain(`key PAY-5 was posted to b1-us as ${String(posted.JdtNum)} (run `);
      expect(why!.message).toContain('it now routes to b1-eu. Nothing is posted in b1-eu');
      expect(refs(eu)).toEqual(expected(1, 2, 3, 4));
      expect(refs(us)).toEqual(expected(1, 2, 3, 4, 5, 6, 7, 8));
    }
    // the operator reversed it in the US company and re-syncs it: now it is posted in EU, once
    expect((await cli(['attention', 'resync', PIPELINE, 'US-5', '--state', store.url], { cwd: dir, env })).code).toBe(
      0,
    );
    const resynced = await run();
    expect(resynced.apply).toMatchObject({ created: 1 });
    expect(refs(eu)).toEqual(expected(1, 2, 3, 4, 5));
    const again = await run();
    expect((again.plan as Json).counts).toMatchObject({ create: 0, locked: 0 });
    expect(refs(eu)).toEqual(expected(1, 2, 3, 4, 5));
  }, 180_000);
});
