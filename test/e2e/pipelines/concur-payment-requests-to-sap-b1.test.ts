/**
 * End to end: pipelines/concur-payment-requests-to-sap-b1.yaml through the CLI (a subprocess)
 * against the Concur and SAP Business One emulators seeded with the demo company. Assertions are on
 * the journal entries SAP B1 holds afterwards, not only on the run report.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { DemoEnvironment } from '../../../engine/cli/demo/environment.js';
import { cli, startCli } from '../../helpers/cli.js';
import {
  demoEnvironment,
  pipelinePath,
  runPipeline as runNamed,
  sluice,
  type RunReportJson,
} from '../../helpers/demo-env.js';
import {
  cents,
  glMapping,
  sum,
  entriesByReference as byReference,
  postedEntries as postedBy,
  reversals,
  type Json,
  type Line,
  untilSettleable,
} from '../../helpers/journal-entries.js';

const PIPELINE = 'concur-payment-requests-to-sap-b1';
const PREFIX = 'CONCUR-PR-';

const postedEntries = (env: DemoEnvironment): Json[] => postedBy(env, PREFIX);
const entriesByReference = (env: DemoEnvironment): Map<string, Json> => byReference(env, PREFIX);
const PIPELINE_PATH = pipelinePath(PIPELINE);
const runPipeline = (env: DemoEnvironment): ReturnType<typeof runNamed> => runNamed(env, PIPELINE);

const requests = (env: DemoEnvironment): Json[] => [...env.concur.state.paymentRequests.values()];
const approved = (env: DemoEnvironment): Json[] =>
  requests(env).filter((p) => (p._meta as Json).ApprovalStatusCode === 'A_APPR');

/** The Concur vendor code of a request: its remit-to name in the Concur vendor list. */
function vendorCode(env: DemoEnvironment, pr: Json): string | undefined {
  const name = (pr.VendorRemitAddress as Json).Name;
  return [...env.concur.state.vendors.values()].find((v) => v.VendorName === name)?.VendorCode as string | undefined;
}

/** The entry of a request: a debit per allocation on the mapped account and cost center, the total to the supplier. */
function expectPostingOf(env: DemoEnvironment, pr: Json, je: Json): void {
  const gl = glMapping();
  const lines = je.JournalEntryLines as Line[];
  expect(sum(lines.map((l) => cents(l.Debit)))).toBe(sum(lines.map((l) => cents(l.Credit))));
  expect(je.Reference2).toBe(pr.InvoiceNumber);
  expect(je.DueDate).toBe(String(pr.PaymentDueDate).slice(0, 10));
  expect(je.TaxDate).toBe(String(pr.InvoiceDate).slice(0, 10));
  const allocations = (pr.LineItems as Json[]).flatMap((li) => (li.Allocations as Json[]).map((a) => ({ li, a })));
  const debits = lines.filter((l) => cents(l.Debit) > 0);
  expect(debits.map((l) => [l.AccountCode, l.CostingCode, cents(l.Debit)])).toEqual(
    allocations.map(({ li, a }) => [
      gl.get(String(li.ExpenseTypeCode)),
      a.Custom1,
      Math.round((cents(li.ApprovedLineItemAmount) * Number(a.Percentage)) / 100),
    ]),
  );
  const credits = lines.filter((l) => cents(l.Credit) > 0);
  expect(credits).toHaveLength(1);
  expect(credits[0]).toMatchObject({ ShortName: vendorCode(env, pr), AccountCode: '2100' }); // the supplier's control account, set by SAP
  expect(cents(credits[0]!.Credit)).toBe(cents(pr.TotalApprovedAmount));
}

/** Adds an approved payment request to the Concur emulator, copied from `from`. */
function addRequest(
  env: DemoEnvironment,
  from: string,
  id: string,
  invoice: string,
  change: (pr: Json) => void = () => undefined,
): Json {
  const pr = { ...structuredClone(env.concur.state.paymentRequests.get(from)!), ID: id, InvoiceNumber: invoice };
  change(pr);
  env.concur.state.paymentRequests.set(id, pr);
  return pr;
}

function runArgs(env: DemoEnvironment, connections: string): string[] {
  return ['run', PIPELINE_PATH, '--json', '--no-progress', '--connections', connections, '--state', env.stateUrl];
}

describe('concur-payment-requests-to-sap-b1 end to end', async () => {
  const env = await demoEnvironment();

  it('the first run posts one balanced journal entry per approved payment request, expense lines debited, the supplier business partner credited', async () => {
    const { result, report } = await runPipeline(env);
    expect(result.code).toBe(0);
    const expected = approved(env);
    expect(expected.length).toBeGreaterThanOrEqual(10);
    expect(report.apply?.created).toBe(expected.length);
    const posted = entriesByReference(env);
    expect([...posted.keys()].sort()).toEqual(expected.map((p) => `${PREFIX}${String(p.ID)}`).sort());
    for (const pr of expected) expectPostingOf(env, pr, posted.get(`${PREFIX}${String(pr.ID)}`)!);
  });

  it('a second run changes nothing', async () => {
    const before = env.b1.entities('JournalEntries');
    const { result, report } = await runPipeline(env);
    expect(result.code).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 0, update: 0, locked: 0, noop: approved(env).length });
    expect(env.b1.entities('JournalEntries')).toEqual(before);
  });

  it('a request changed after posting is one correction: the posted entry is cancelled (its reversal) and the new version posted once; a rerun changes nothing', async () => {
    const pr = approved(env)[0]!;
    const ref = `${PREFIX}${String(pr.ID)}`;
    const before = entriesByReference(env).get(ref)!;
    const item = (pr.LineItems as Json[])[0]!;
    Object.assign(item, { ApprovedLineItemAmount: '400.00' });
    Object.assign(pr, { TotalApprovedAmount: '400.00', InvoiceAmount: '400.00' });

    const plan = JSON.parse((await sluice(env, ['plan', PIPELINE_PATH, '--json'])).stdout) as RunReportJson & {
      operations: { op: string; key: string }[];
    };
    expect(plan.plan?.counts).toMatchObject({ create: 0, update: 0, locked: 0, correct: 1 });
    expect(plan.operations.map((o) => `${o.op} ${o.key}`)).toEqual([`correct ${ref}`]);

    const { result, report } = await runPipeline(env);
    expect(result.code).toBe(0);
    expect(report.apply).toMatchObject({ reversed: 1, created: 1 });
    const all = env.b1.entities('JournalEntries').filter((e) => e.Reference === ref);
    expect(all).toHaveLength(3);
    expect(reversals(env).has(before.JdtNum as number)).toBe(true);
    const fresh = entriesByReference(env).get(ref)!;
    expectPostingOf(env, pr, fresh);

    const again = await runPipeline(env);
    expect(again.report.plan?.counts).toMatchObject({ create: 0, correct: 0, locked: 0 });
    expect(env.b1.entities('JournalEntries').filter((e) => e.Reference === ref)).toHaveLength(3);
  });

  it('new requests: one with an unmapped expense type and one whose vendor has no business partner go to attention with the reason, the other posts', async () => {
    const count = postedEntries(env).length;
    const source = approved(env)[1]!;
    addRequest(env, String(source.ID), 'NEWREQUEST000000000000000000000A', 'INV9001', (pr) => {
      (pr.LineItems as Json[])[0]!.ExpenseTypeCode = 'GIFTS';
    });
    const fine = addRequest(env, String(source.ID), 'NEWREQUEST000000000000000000000B', 'INV9002');
    env.b1.state.BusinessPartners.delete('V2003'); // Cobalt Metals leaves SAP
    const cobalt = approved(env).find((p) => (p.VendorRemitAddress as Json).Name === 'Cobalt Metals')!;
    addRequest(env, String(cobalt.ID), 'NEWREQUEST000000000000000000000C', 'INV9003');

    const { report } = await runPipeline(env);
    expect(report.apply?.created).toBe(1);
    expect(postedEntries(env)).toHaveLength(count + 1);
    expectPostingOf(env, fine, entriesByReference(env).get(`${PREFIX}${String(fine.ID)}`)!);
    const parked = new Map(report.attention.sample.map((a) => [a.sourceKey, a.message]));
    expect(parked.get('NEWREQUEST000000000000000000000A')).toContain(
      'expense type GIFTS has no G/L account in mappings/concur-expense-types-to-gl.csv',
    );
    expect(parked.get('NEWREQUEST000000000000000000000C')).toContain(
      'vendor V2003 (Cobalt Metals) has no SAP B1 supplier business partner',
    );
  });
});

describe('concur-payment-requests-to-sap-b1 posts exactly once under faults', async () => {
  const dropped = await demoEnvironment();
  const killed = await demoEnvironment();

  function expectOnePerRequest(env: DemoEnvironment): void {
    const posted = entriesByReference(env); // fails on a second entry for any request
    expect(posted.size).toBe(approved(env).length);
    for (const pr of approved(env)) expectPostingOf(env, pr, posted.get(`${PREFIX}${String(pr.ID)}`)!);
  }

  it('SAP commits the batch of journal entries but the answer is lost: each request is posted once', async () => {
    const fault = dropped.b1.faults.add({ method: 'POST', path: '$batch', kind: 'drop-after-commit' });
    const { result } = await runPipeline(dropped);
    expect(result.code).toBe(0);
    expect(fault.hits).toBe(1);
    expectOnePerRequest(dropped);
    const again = await runPipeline(dropped);
    expect(again.report.apply?.created).toBe(0);
    expectOnePerRequest(dropped);
  });

  it('sluice killed with SIGKILL while posting: the rerun posts the rest and ends with exactly one journal entry per request', async () => {
    const env = killed;
    const doc = parse(readFileSync(env.connectionsPath, 'utf8')) as { connections: Record<string, Json> };
    doc.connections.b1!.batch = false; // one request per entry, so the kill lands between entries
    // a short request timeout and no extra window: the emulator commits within its delay
    doc.connections.b1!.timeoutMs = 2000;
    doc.connections.b1!.commitWindowMs = 0;
    const connections = join(env.dir, 'connections-unbatched.yaml');
    writeFileSync(connections, stringify(doc));
    // Three posts go through; SAP holds the fourth, which is in flight when the process dies.
    env.b1.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'delay', delayMs: 0, times: 3 });
    const inFlight = env.b1.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'hold' });
    const mark = env.b1.events.mark();
    const { child, done } = startCli(runArgs(env, connections), { cwd: env.dir, env: env.env });
    await env.b1.events.next('request', (e) => e.fault === 'hold', { since: mark });
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    inFlight.release(); // a post in flight when the process died still lands, within its timeout
    await env.b1.idle({ connections: true });
    // the dead run recorded it as pending before sending it: wait until it can be settled
    expect(await untilSettleable(env.stateUrl, PIPELINE)).toBeGreaterThan(0);
    env.b1.faults.clear();
    const partial = postedEntries(env).length;
    expect(partial).toBe(4);
    expect(partial).toBeLessThan(approved(env).length);

    const rerun = await cli(runArgs(env, connections), { cwd: env.dir, env: env.env });
    expect(rerun.code).toBe(0);
    expect((JSON.parse(rerun.stdout) as RunReportJson).apply?.created).toBe(approved(env).length - partial);
    expectOnePerRequest(env);
  });
});
