/**
 * The two ways a posting used to be made twice, end to end, on SQLite and on the real MariaDB:
 * 1. a `$batch` that outlives the client's timeout while SAP keeps working on it (or a proxy answers
 *    504 while SAP carries on), and
 * 2. sluice killed with SIGKILL during a slow write, then rerun at once (on this host: the lease of
 *    the dead pid is taken over; on "another host": the lease is broken with --force).
 * Each ends with exactly one journal entry per report; the in-doubt entries are settled by the first
 * run after their commit window. The runs that must happen "later" get an injected clock instead of
 * waiting for it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadRegistry } from '../../connectors/index.js';
import type { DemoEnvironment } from '../../app/demo/environment.js';
import { ManualClock } from '../../engine/runtime/clock.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { runSession } from '../../engine/run/session.js';
import { openStateStore } from '../../engine/state/store.js';
import { cli, startCli } from '../helpers/cli.js';
import { demoEnvironment, pipelinePath, type RunReportJson } from '../helpers/demo-env.js';
import { entriesByReference, postedEntries, type Json } from '../helpers/journal-entries.js';
import { createTestDatabase } from '../helpers/mysql.js';

const PIPELINE = 'concur-expense-reports-to-sap-b1';
const PREFIX = 'CONCUR-ER-';
const POSTABLE = 25; // approved demo reports that map and have a business partner
const SECRET = 'e'.repeat(64);

type Report = RunReportJson & {
  settled?: { found: number; absent: number; waiting: number };
  plan?: { counts: Record<string, number> };
  apply?: Record<string, number>;
};

const backends = [
  { name: 'sqlite', state: async (env: DemoEnvironment) => ({ url: env.stateUrl, drop: async () => {} }) },
  { name: 'mariadb', state: async () => createTestDatabase('doubt_e2e') },
];

describe.each(backends)('postings whose outcome is unknown, on $name', async (backend) => {
  const slow = await demoEnvironment();
  const killed = await demoEnvironment();
  const dbs: { drop(): Promise<void> }[] = [];
  let stateOf: Map<DemoEnvironment, string>;

  beforeAll(async () => {
    stateOf = new Map();
    for (const env of [slow, killed]) {
      const db = await backend.state(env);
      dbs.push(db);
      stateOf.set(env, db.url);
    }
  });
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  /** connections.yaml with changed SAP B1 settings. */
  function connections(env: DemoEnvironment, b1: Json): string {
    const doc = parse(readFileSync(env.connectionsPath, 'utf8')) as { connections: Record<string, Json> };
    Object.assign(doc.connections.b1!, b1);
    const path = join(env.dir, `connections-${Object.keys(b1).join('-')}.yaml`);
    writeFileSync(path, stringify(doc));
    return path;
  }

  const cliEnv = (env: DemoEnvironment): NodeJS.ProcessEnv => ({ ...env.env, SLUICE_SECRET_KEY: SECRET });
  const args = (env: DemoEnvironment, conns: string, extra: string[] = []): string[] => [
    'run',
    pipelinePath(PIPELINE),
    '--json',
    '--no-progress',
    '--connections',
    conns,
    '--state',
    stateOf.get(env)!,
    ...extra,
  ];
  const run = async (
    env: DemoEnvironment,
    conns: string,
    extra: string[] = [],
  ): Promise<{ code: number | null; report: Report }> => {
    const r = await cli(args(env, conns, extra), { cwd: env.dir, env: cliEnv(env) });
    return { code: r.code, report: JSON.parse(r.stdout) as Report };
  };

  /** A run at a later moment: in process, with the clock past every pending create's settle time. */
  async function laterRun(env: DemoEnvironment, conns: string): Promise<Report> {
    const state = await openStateStore({ url: stateOf.get(env)!, secretKey: SECRET });
    try {
      let latest = 0;
      for await (const page of state.ledgerPending(PIPELINE))
        for (const e of page) latest = Math.max(latest, Date.parse(e.settleAfter!));
      const r = await runSession({
        command: 'run',
        subject: { kind: 'pipeline-file', path: pipelinePath(PIPELINE) },
        connectionsPath: conns,
        registry: await loadRegistry(),
        logger: silentLogger(),
        state,
        env: cliEnv(env),
        clock: new ManualClock(latest + 1, { autoAdvance: true }),
      });
      return r.report as Report;
    } finally {
      await state.close();
    }
  }

  function expectOnePerReport(env: DemoEnvironment): void {
    expect(entriesByReference(env, PREFIX).size).toBe(POSTABLE); // fails on a second entry for any report
  }

  it('case 1: a $batch that takes longer than the client waits is in doubt, never re-sent, and settled later', async () => {
    const env = slow;
    const conns = connections(env, { timeoutMs: 400 });
    const fault = env.b1.faults.add({ method: 'POST', path: '$batch', kind: 'delay', delayMs: 1_500 });
    const mark = env.b1.events.mark();
    const first = await run(env, conns);
    expect(first.code).toBe(3);
    expect(first.report.apply).toMatchObject({ created: POSTABLE - 20, inDoubt: 20, retries: 0 });
    expect(fault.hits).toBe(1);
    // SAP finishes the slow batch after sluice gave up on it
    const slowBatch = await env.b1.events.next('request', (e) => e.fault === 'delay', { since: mark });
    await env.b1.events.next('responded', (e) => e.requestId === slowBatch.requestId, { since: mark });
    expect(postedEntries(env, PREFIX)).toHaveLength(POSTABLE);
    expectOnePerReport(env);

    // a rerun right away: the entries are in doubt until their window passed, and nothing is posted
    const again = await run(env, conns);
    expect(again.code).toBe(3);
    expect(again.report.apply?.created).toBe(0);
    expectOnePerReport(env);

    // after the window: settled by their reference, adopted, nothing posted
    const later = await laterRun(env, conns);
    expect(later.settled).toMatchObject({ found: 20, absent: 0 });
    expect(later.apply?.created).toBe(0);
    expectOnePerReport(env);
    const state = await openStateStore({ url: stateOf.get(env)!, secretKey: SECRET });
    try {
      const open = await state.attentionList({ pipeline: PIPELINE, statuses: ['open', 'resync'] });
      expect(open.filter((e) => e.code === 'WRITE_IN_DOUBT')).toEqual([]);
    } finally {
      await state.close();
    }
  });

  it('case 2: killed during a slow write, rerun at once here and from "another host": one entry per report', async () => {
    const env = killed;
    const conns = connections(env, { timeoutMs: 30_000 });
    const fault = env.b1.faults.add({ method: 'POST', path: '$batch', kind: 'hold' }); // SAP works on it until released
    const mark = env.b1.events.mark();
    const { child, done } = startCli(args(env, conns), { cwd: env.dir, env: cliEnv(env) });
    const batch = await env.b1.events.next('request', (e) => e.fault === 'hold', { since: mark });
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');

    // an immediate rerun on this host takes the dead process's lease; the batch SAP still works on
    // is in doubt: the other reports are posted, those are not
    const here = await run(env, conns);
    expect(here.code).toBe(3);
    expect(here.report.plan?.counts).toMatchObject({ inDoubt: 20 });
    expect(here.report.apply).toMatchObject({ created: POSTABLE - 20, inDoubt: 20 });

    // a rerun "on another host" (a lease it cannot check is held): broken with --force, still nothing twice
    const state = await openStateStore({ url: stateOf.get(env)!, secretKey: SECRET });
    try {
      await state.knex('sluice_leases').insert({
        pipeline: PIPELINE,
        holder: 'run-on-another-host',
        host: 'another-host',
        pid: 1,
        acquired_at: new Date().toISOString(),
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      });
    } finally {
      await state.close();
    }
    const refused = await run(env, conns);
    expect(refused.report.error?.code).toBe('LEASE_HELD');
    const forced = await run(env, conns, ['--force']);
    // the source is read from the cursor on: the in-doubt reports are parked, still waiting, not sent
    expect(forced.report.settled).toMatchObject({ found: 0, absent: 0, waiting: 20 });
    expect(forced.report.apply?.created).toBe(0);

    fault.release(); // SAP commits the batch of the dead process
    await env.b1.events.next('responded', (e) => e.requestId === batch.requestId, { since: mark });
    expect(postedEntries(env, PREFIX)).toHaveLength(POSTABLE);
    const later = await laterRun(env, conns);
    expect(later.settled).toMatchObject({ found: 20, absent: 0 });
    expect(later.apply?.created).toBe(0);
    expectOnePerReport(env);
  });
});
