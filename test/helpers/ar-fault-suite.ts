/**
 * "Posts exactly once under faults" for an AR write-back pipeline (incoming payments, credit notes),
 * the same cases as the journal entries' (concur-expense-reports-to-sap-b1.test.ts): a lost answer to
 * a `$batch` that committed, lost answers to single posts, SIGKILL while posting, SIGKILL while SAP
 * holds a batch it then commits, and a request slower than the client's timeout that SAP still
 * commits. Each case has its own demo environment with the extra data of ar-postings.ts and asserts
 * from SAP B1's state and the requests it received.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { DemoEnvironment } from '../../app/demo/environment.js';
import { DEMO_SEED } from '../../connectors/ar-platform/emulator/index.js';
import { loadRegistry } from '../../connectors/index.js';
import { ManualClock } from '../../engine/runtime/clock.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { runSession } from '../../engine/run/session.js';
import { openStateStore } from '../../engine/state/store.js';
import {
  amountOf,
  documentsByKey,
  expectInvoicesClosedWhenCovered,
  expectNoBlindResend,
  recordWire,
  withExtraData,
  type Documents,
} from './ar-postings.js';
import { cli, startCli, type CliResult } from './cli.js';
import { demoEnvironment, pipelinePath, type RunReportJson } from './demo-env.js';
import { untilSettleable, type Json } from './journal-entries.js';

export interface FaultSuiteSpec extends Documents {
  pipeline: string;
  /** The records the pipeline reads and SAP must hold, by dedupe key → amount in cents. */
  expected(env: DemoEnvironment): Map<string, number>;
  /** Keys SAP refuses (attention, never posted). */
  refused: string[];
  /** Where each case's emulators come from (the test file passes `demoEnvironment`). */
  environment: typeof demoEnvironment;
}

type Report = RunReportJson & { settled?: { found: number; absent: number; waiting: number } };

/** The environment's connections.yaml with changed SAP B1 settings. */
function connectionsWith(env: DemoEnvironment, b1: Json): string {
  const doc = parse(readFileSync(env.connectionsPath, 'utf8')) as { connections: Record<string, Json> };
  Object.assign(doc.connections.b1!, b1);
  const path = join(env.dir, `connections-${Object.keys(b1).join('-')}.yaml`);
  writeFileSync(path, stringify(doc));
  return path;
}

export function faultSuite(spec: FaultSuiteSpec): void {
  const args = (env: DemoEnvironment, connections: string): string[] => [
    'run',
    pipelinePath(spec.pipeline),
    '--json',
    '--no-progress',
    '--connections',
    connections,
    '--state',
    env.stateUrl,
  ];
  const run = async (env: DemoEnvironment, connections: string): Promise<{ result: CliResult; report: Report }> => {
    const result = await cli(args(env, connections), { cwd: env.dir, env: env.env });
    try {
      return { result, report: JSON.parse(result.stdout) as Report };
    } catch {
      throw new Error(`no JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
  };

  /** A run at a later moment, in process, with the clock past every pending create's settle time. */
  async function laterRun(env: DemoEnvironment, connections: string): Promise<Report> {
    const state = await openStateStore({ url: env.stateUrl });
    try {
      let latest = 0;
      for await (const page of state.ledgerPending(spec.pipeline))
        for (const e of page) latest = Math.max(latest, Date.parse(e.settleAfter!));
      const r = await runSession({
        command: 'run',
        subject: { kind: 'pipeline-file', path: pipelinePath(spec.pipeline) },
        connectionsPath: connections,
        registry: await loadRegistry(),
        logger: silentLogger(),
        state,
        env: env.env,
        clock: new ManualClock(Math.max(latest + 1, Date.now()), { autoAdvance: true }),
      });
      return r.report as Report;
    } finally {
      await state.close();
    }
  }

  /** SAP holds each expected document once, with its amount; the refused ones not at all; invoices add up. */
  function expectExactlyOnce(env: DemoEnvironment): void {
    const held = documentsByKey(env, spec); // fails on a second document for any key
    const expected = spec.expected(env);
    expect([...held.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, amount] of expected) expect(amountOf(spec, held.get(key)!), `amount of ${key}`).toBe(amount);
    expectInvoicesClosedWhenCovered(env);
  }

  const postable = (env: DemoEnvironment): number => spec.expected(env).size;

  describe(`${spec.pipeline} posts exactly once under faults`, async () => {
    const options = withExtraData(DEMO_SEED);
    const [dropped, droppedSingles, killed, killedInFlight, slow] = await Promise.all(
      [0, 1, 2, 3, 4].map(() => spec.environment(options)),
    );

    it('SAP commits two $batch requests but both answers are lost, the second stopped at a refused document: what committed is found by its key at once, the rest is settled and posted once', async () => {
      const env = dropped!;
      const wire = recordWire(env);
      // short timeout, no extra window: what the lost second batch did not commit is settled seconds later
      const connections = connectionsWith(env, { timeoutMs: 2000, commitWindowMs: 0 });
      const fault = env.b1.faults.add({ method: 'POST', path: '$batch', kind: 'drop-after-commit', times: 2 });
      const first = await run(env, connections);
      expect(first.result.code).toBe(3);
      expect(fault.hits).toBe(2);
      expect(first.report.apply?.failed ?? 0).toBe(0); // lost answers are never failures
      // the first batch whole, the second up to its refused document: found at once, not sent again
      const committed = env.b1.entities(spec.entitySet).length;
      expect(first.report.apply?.created).toBe(committed);
      expect(committed).toBeGreaterThan(20);
      expect(first.report.apply?.inDoubt).toBe(postable(env) + spec.refused.length - committed);
      documentsByKey(env, spec);

      const pending = await untilSettleable(env.stateUrl, spec.pipeline);
      expect(pending).toBe(postable(env) + spec.refused.length - committed);
      const again = await run(env, connections);
      expect(again.result.code).toBe(3);
      expect(again.report.settled).toMatchObject({ found: 0, absent: pending });
      expect(again.report.apply?.created).toBe(postable(env) - committed);
      expect(again.report.attention.sample.map((a) => a.sourceKey).sort()).toEqual([...spec.refused].sort());
      expectExactlyOnce(env);
      const third = await run(env, connections);
      expect(third.report.apply?.created ?? 0).toBe(0);
      expectExactlyOnce(env);
      expectNoBlindResend(env, wire, spec);
    }, 180_000);

    it('without batching, lost answers to single posts are found by their key and never sent again', async () => {
      const env = droppedSingles!;
      const wire = recordWire(env);
      const connections = connectionsWith(env, { batch: false });
      const fault = env.b1.faults.add({ method: 'POST', path: spec.entitySet, kind: 'drop-after-commit', times: 3 });
      const first = await run(env, connections);
      expect(first.result.code).toBe(3);
      expect(fault.hits).toBe(3);
      expect(first.report.apply).toMatchObject({ created: postable(env), failed: spec.refused.length });
      expectExactlyOnce(env);
      const again = await run(env, connections);
      expect(again.report.apply?.created ?? 0).toBe(0);
      expectExactlyOnce(env);
      expectNoBlindResend(env, wire, spec);
    }, 180_000);

    it('sluice killed with SIGKILL while posting: the rerun settles what was in flight and ends with each document once', async () => {
      const env = killed!;
      const wire = recordWire(env);
      const connections = connectionsWith(env, { batch: false, timeoutMs: 2000, commitWindowMs: 0 });
      // Five posts go through; SAP holds the sixth, which is in flight when the process dies.
      env.b1.faults.add({ method: 'POST', path: spec.entitySet, kind: 'delay', delayMs: 0, times: 5 });
      const inFlight = env.b1.faults.add({ method: 'POST', path: spec.entitySet, kind: 'hold' });
      const mark = env.b1.events.mark();
      const { child, done } = startCli(args(env, connections), { cwd: env.dir, env: env.env });
      await env.b1.events.next('request', (e) => e.fault === 'hold', { since: mark });
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      inFlight.release(); // the post in flight when the process died still lands
      await env.b1.idle({ connections: true });
      const pending = await untilSettleable(env.stateUrl, spec.pipeline);
      expect(pending).toBeGreaterThan(0);
      env.b1.faults.clear();
      expect(env.b1.entities(spec.entitySet)).toHaveLength(6);

      const rerun = await run(env, connections);
      expect(rerun.result.code).toBe(3);
      expect(rerun.report.settled).toMatchObject({ found: 6, absent: pending - 6 });
      expect(rerun.report.apply?.created).toBe(postable(env) - 6);
      expectExactlyOnce(env);
      expectNoBlindResend(env, wire, spec);
    }, 180_000);

    it('sluice killed while SAP still processes a $batch that it then commits: the rerun adopts those documents instead of posting them again', async () => {
      const env = killedInFlight!;
      const wire = recordWire(env);
      const fault = env.b1.faults.add({ method: 'POST', path: '$batch', kind: 'hold' });
      const mark = env.b1.events.mark();
      const { child, done } = startCli(args(env, env.connectionsPath), { cwd: env.dir, env: env.env });
      const batch = await env.b1.events.next('request', (e) => e.fault === 'hold', { since: mark });
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      fault.release(); // SAP carries on with the batch of the dead process and commits it
      await env.b1.events.next('responded', (e) => e.requestId === batch.requestId, { since: mark });
      await env.b1.idle({ connections: true });
      expect(env.b1.events.all('committed', (e) => e.requestId === batch.requestId)).toHaveLength(20);

      const { result, report } = await run(env, env.connectionsPath);
      expect(result.code).toBe(3);
      expect(report.plan?.counts).toMatchObject({ noop: 20, create: postable(env) + spec.refused.length - 20 });
      expect(report.apply?.created).toBe(postable(env) - 20);
      expectExactlyOnce(env);
      expectNoBlindResend(env, wire, spec);
    }, 180_000);

    it('a $batch slower than the client waits, which SAP still commits: in doubt, never sent again, adopted or settled by its key', async () => {
      const env = slow!;
      const wire = recordWire(env);
      const connections = connectionsWith(env, { timeoutMs: 400, commitWindowMs: 60_000 });
      const fault = env.b1.faults.add({ method: 'POST', path: '$batch', kind: 'delay', delayMs: 1_500 });
      const mark = env.b1.events.mark();
      const first = await run(env, connections);
      expect(first.result.code).toBe(3);
      expect(fault.hits).toBe(1);
      expect(first.report.apply).toMatchObject({ inDoubt: 20, failed: spec.refused.length, retries: 0 });
      expect(first.report.apply?.created).toBe(postable(env) - 20);
      const late = await env.b1.events.next('request', (e) => e.fault === 'delay', { since: mark });
      expect(env.b1.events.all('aborted', (e) => e.requestId === late.requestId, mark)).toHaveLength(1);
      await env.b1.events.next('responded', (e) => e.requestId === late.requestId, { since: mark });
      expect(env.b1.events.all('committed', (e) => e.requestId === late.requestId)).toHaveLength(20);
      expectExactlyOnce(env);

      // a rerun at once, inside the window: nothing is sent for those documents
      const again = await run(env, connections);
      expect(again.report.apply?.created ?? 0).toBe(0);
      // after the window: whatever is still pending is found by its key; nothing is posted
      const later = await laterRun(env, connections);
      expect(later.settled?.absent ?? 0).toBe(0);
      expect(later.apply?.created ?? 0).toBe(0);
      expectExactlyOnce(env);
      expectNoBlindResend(env, wire, spec);
      const state = await openStateStore({ url: env.stateUrl });
      try {
        const open = await state.attentionList({ pipeline: spec.pipeline, statuses: ['open', 'resync'] });
        expect(open.filter((e) => e.code === 'WRITE_IN_DOUBT')).toEqual([]);
        let left = 0;
        for await (const page of state.ledgerPending(spec.pipeline)) left += page.length;
        expect(left).toBe(0);
      } finally {
        await state.close();
      }
    }, 180_000);
  });
}
