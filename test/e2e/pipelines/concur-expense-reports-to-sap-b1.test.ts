/**
 * End to end: pipelines/concur-expense-reports-to-sap-b1.yaml through the CLI (a subprocess)
 * against the Concur and SAP Business One emulators seeded with the demo company. Assertions are on
 * the journal entries SAP B1 holds afterwards, not only on the run report.
 */
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { DemoEnvironment } from '../../../engine/cli/demo/environment.js';
import { cli, startCli, type CliResult } from '../../helpers/cli.js';
import {
  demoEnvironment,
  PIPELINES_DIR,
  pipelinePath,
  runPipeline,
  sluice,
  startSluice,
  type RunReportJson,
} from '../../helpers/demo-env.js';
import { addReport, allocationsOf, dueAmounts, ENTERPRISE, entriesOf } from '../../helpers/concur-reports.js';
import {
  cents,
  expectCurrencyRules,
  glMapping,
  sum,
  untilSettleable,
  entriesByReference as byReference,
  postedEntries as postedBy,
  reversals,
  type Json,
  type Line,
} from '../../helpers/journal-entries.js';

const PIPELINE = 'concur-expense-reports-to-sap-b1';
const PREFIX = 'CONCUR-ER-';

const postedEntries = (env: DemoEnvironment): Json[] => postedBy(env, PREFIX);
const entriesByReference = (env: DemoEnvironment): Map<string, Json> => byReference(env, PREFIX);
const linesOf = (je: Json): Line[] => je.JournalEntryLines as Line[];

/** Every entry balances in local currency (lines kept in a foreign currency need not balance in it). */
function expectBalanced(je: Json): void {
  const lines = linesOf(je);
  expect(sum(lines.map((l) => cents(l.Debit))), `${String(je.Reference)} balances`).toBe(
    sum(lines.map((l) => cents(l.Credit))),
  );
}

function employeeNumber(env: DemoEnvironment, login: string): string | undefined {
  const user = env.concur.state.userByName(login);
  return (user?.[ENTERPRISE] as Json | undefined)?.employeeNumber as string | undefined;
}

const code = (field: unknown): string | undefined => (field as { Code?: string } | null | undefined)?.Code;

/** The journal entry of a report holds exactly what the report says, on the mapped accounts. */
function expectPostingOf(env: DemoEnvironment, report: Json, je: Json): void {
  const gl = glMapping();
  const currency = String(report.CurrencyCode);
  const foreign = currency !== 'USD';
  const date = String(report.ProcessingPaymentDate).slice(0, 10);
  const rate = env.b1.company.rate(currency, date)!;
  // in the report's currency: kept in it where the account or partner takes it, else converted back
  const amount = (l: Line, side: 'Debit' | 'Credit'): number =>
    !foreign ? cents(l[side]) : l.FCCurrency ? cents(l[`FC${side}`]) : cents(l[side]) / rate;
  // a foreign amount converted line by line may differ from the report's by a cent per line
  const expectAmount = (got: number, want: number, n: number): void =>
    foreign ? expect(Math.abs(got - want)).toBeLessThanOrEqual(n) : expect(got).toBe(want);
  const lines = linesOf(je);
  const employee = employeeNumber(env, String(report.OwnerLoginID));
  expect(je.Reference2).toBe(employee);
  expect(je.Memo).toBe(String(report.Name).slice(0, 50));
  expect(je.ReferenceDate).toBe(String(report.ProcessingPaymentDate).slice(0, 10));
  if (foreign) expectCurrencyRules(env, je, currency, rate);
  const entries = entriesOf(env, String(report.ID));
  for (const entry of entries) {
    const debits = lines.filter((l) => l.LineMemo === entry.Description && amount(l, 'Debit') > 0);
    expect(debits.length, `debit lines of ${String(entry.Description)}`).toBeGreaterThan(0);
    expectAmount(sum(debits.map((l) => amount(l, 'Debit'))), cents(entry.ApprovedAmount), debits.length);
    for (const l of debits) {
      expect(l.AccountCode).toBe(gl.get(String(entry.ExpenseTypeCode)));
      expect(l.ProjectCode ?? undefined).toBe(code(entry.Custom1));
    }
    const centers = allocationsOf(env, String(entry.ID)).map((a) => code(a.Custom1));
    expect(debits.map((l) => l.CostingCode).sort()).toEqual(centers.sort());
  }
  const byPayment = (type: string): number =>
    sum(entries.filter((e) => e.PaymentTypeCode === type).map((e) => cents(e.ApprovedAmount)));
  const credits = lines.filter((l) => amount(l, 'Credit') > 0);
  const employeeLines = credits.filter((l) => l.ShortName === employee);
  const cardLines = credits.filter((l) => l.AccountCode === '2150');
  expectAmount(sum(employeeLines.map((l) => amount(l, 'Credit'))), byPayment('CASH'), employeeLines.length);
  for (const l of employeeLines) expect(l.AccountCode).toBe('2100'); // the partner's control account, set by SAP
  expectAmount(sum(cardLines.map((l) => amount(l, 'Credit'))), byPayment('CBCP'), cardLines.length);
  expect(employeeLines.length + cardLines.length).toBe(credits.length);
  // one credit line per payee; in a foreign currency one per debit line (SAP converts line by line)
  const payees = (byPayment('CASH') > 0 ? 1 : 0) + (byPayment('CBCP') > 0 ? 1 : 0);
  expect(credits.length).toBe(foreign ? lines.length - credits.length : payees);
  expectBalanced(je);
}

/** The ledger row of one dedupe key, read from the run's state store. */
async function ledgerRow(env: DemoEnvironment, key: string): Promise<unknown> {
  const { openStateStore } = await import('../../../engine/state/store.js');
  const state = await openStateStore({ url: env.stateUrl });
  try {
    return (await state.ledgerGet(PIPELINE, [key])).get(key);
  } finally {
    await state.close();
  }
}

function planJson(r: CliResult): RunReportJson & {
  operations: { op: string; key: string; reason?: string; targetId?: string }[];
  attention: { sourceKey: string; code: string; message: string }[];
} {
  return JSON.parse(r.stdout) as never;
}

/** The environment's connections.yaml with changed SAP B1 settings (e.g. batching off). */
function connectionsWith(env: DemoEnvironment, b1: Json): string {
  const doc = parse(readFileSync(env.connectionsPath, 'utf8')) as { connections: Record<string, Json> };
  Object.assign(doc.connections.b1!, b1);
  const path = join(env.dir, 'connections-b1-changed.yaml');
  writeFileSync(path, stringify(doc));
  return path;
}

function runArgs(env: DemoEnvironment, connections: string): string[] {
  return [
    'run',
    pipelinePath(PIPELINE),
    '--json',
    '--no-progress',
    '--connections',
    connections,
    '--state',
    env.stateUrl,
  ];
}

function approvedReports(env: DemoEnvironment): Json[] {
  return [...env.concur.state.reports.values()].filter((r) => r.ApprovalStatusCode === 'A_APPR');
}

/** Approved demo reports that cannot post: an unmapped expense type (GIFTS) or an owner without business partner. */
function unpostable(env: DemoEnvironment): Set<string> {
  const partners = new Set(env.b1.entities('BusinessPartners').map((b) => b.CardCode));
  return new Set(
    approvedReports(env)
      .filter(
        (r) =>
          entriesOf(env, String(r.ID)).some((e) => e.ExpenseTypeCode === 'GIFTS') ||
          !partners.has(employeeNumber(env, String(r.OwnerLoginID))),
      )
      .map((r) => String(r.ID)),
  );
}

describe('concur-expense-reports-to-sap-b1 end to end', async () => {
  const env = await demoEnvironment();

  it('the first run posts one balanced journal entry per approved report, on the mapped accounts and cost centers, and parks the rest with the reason', async () => {
    const bad = unpostable(env);
    expect(bad.size).toBe(3);
    const { result, report } = await runPipeline(env, PIPELINE);
    expect(result.code).toBe(3);
    const postable = approvedReports(env).filter((r) => !bad.has(String(r.ID)));
    expect(report.apply?.created).toBe(postable.length);
    const posted = entriesByReference(env);
    expect([...posted.keys()].sort()).toEqual(postable.map((r) => `${PREFIX}${String(r.ID)}`).sort());
    for (const r of postable) expectPostingOf(env, r, posted.get(`${PREFIX}${String(r.ID)}`)!);
    // the demo has reports in EUR, allocated entries and company-card entries: all of them posted
    const lines = [...posted.values()].flatMap(linesOf);
    expect(lines.some((l) => l.FCCurrency === 'EUR')).toBe(true);
    expect(lines.some((l) => l.AccountCode === '2150' && l.Credit > 0)).toBe(true);
    expect(
      new Set(
        [...posted.values()]
          .filter(
            (je) =>
              new Set(
                linesOf(je)
                  .map((l) => l.CostingCode)
                  .filter(Boolean),
              ).size > 1,
          )
          .map((je) => je.Reference),
      ).size,
    ).toBeGreaterThan(0);
    // the ones that cannot post are parked, each with what was not found
    const parked = new Map(report.attention.sample.map((a) => [a.sourceKey, a.message]));
    expect([...parked.keys()].sort()).toEqual([...bad].sort());
    const messages = [...parked.values()].join('\n');
    expect(messages).toContain('expense type GIFTS has no G/L account in mappings/concur-expense-types-to-gl.csv');
    expect(messages).toContain('employee E1035 (ivan.horvat@northwind.example) has no SAP B1 business partner');
    expect(messages).toContain('employee E1036 (julia.weber@northwind.example) has no SAP B1 business partner');
  });

  it('a second run changes nothing', async () => {
    const before = env.b1.entities('JournalEntries');
    const plan = await sluice(env, ['plan', pipelinePath(PIPELINE), '--detailed-exitcode']);
    expect(plan.code).toBe(0);
    const { report } = await runPipeline(env, PIPELINE);
    expect(report.plan?.counts).toMatchObject({ create: 0, update: 0, locked: 0 });
    expect(report.apply?.created).toBe(0);
    expect(env.b1.entities('JournalEntries')).toEqual(before);
  });

  it('a report reopened and changed after posting: the plan shows one correction; the run cancels the posted entry (its reversal) and posts the new version once; a rerun changes nothing', async () => {
    const id = '139C5198FC3B3F45C59C';
    const ref = `${PREFIX}${id}`;
    const before = entriesByReference(env).get(ref)!;
    const entry = entriesOf(env, id).find((e) => e.PaymentTypeCode === 'CASH')!;
    Object.assign(entry, { ApprovedAmount: 800, PostedAmount: 800, TransactionAmount: 800 });
    dueAmounts(env, id);
    env.concur.state.reports.get(id)!.LastModifiedDate = '2025-06-01T10:00:00';

    const plan = planJson(await sluice(env, ['plan', pipelinePath(PIPELINE), '--json']));
    expect(plan.plan?.counts).toMatchObject({ create: 0, update: 0, locked: 0, correct: 1 });
    // reverse JournalEntries(N), then create the new version
    expect(plan.operations.map((o) => `${o.op} ${o.key} ${String(o.targetId)}`)).toEqual([
      `correct ${ref} ${String(before.JdtNum)}`,
    ]);
    expect(env.b1.entities('JournalEntries').filter((e) => e.Reference === ref)).toHaveLength(1); // plan writes nothing

    const { report } = await runPipeline(env, PIPELINE);
    expect(report.apply).toMatchObject({ reversed: 1, created: 1 });
    const all = env.b1.entities('JournalEntries').filter((e) => e.Reference === ref);
    expect(all).toHaveLength(3); // the original, its reversal, the new version
    const reversalId = reversals(env).get(before.JdtNum as number)!;
    const reversal = all.find((e) => e.JdtNum === reversalId)!;
    // the reversal swaps debit and credit of every line, on the original's date
    expect(reversal.ReferenceDate).toBe(before.ReferenceDate);
    expect(linesOf(reversal).map((l) => [l.AccountCode, l.ShortName, l.Debit, l.Credit])).toEqual(
      linesOf(before).map((l) => [l.AccountCode, l.ShortName, l.Credit, l.Debit]),
    );
    const fresh = entriesByReference(env).get(ref)!;
    expect(fresh.JdtNum).not.toBe(before.JdtNum);
    expectPostingOf(env, env.concur.state.reports.get(id)!, fresh);
    expect(await ledgerRow(env, ref)).toMatchObject({
      status: 'written',
      targetId: String(fresh.JdtNum),
      supersedes: String(before.JdtNum),
      reversalId: String(reversalId),
    });

    const again = await runPipeline(env, PIPELINE);
    expect(again.report.plan?.counts).toMatchObject({ create: 0, correct: 0, locked: 0 });
    expect(env.b1.entities('JournalEntries').filter((e) => e.Reference === ref)).toHaveLength(3);
  });

  it('new reports: one with an unmapped expense type and one with an unknown cost center go to attention, the other posts', async () => {
    const count = postedEntries(env).length;
    addReport(
      env,
      '0ABE470830994E666833',
      'NEW0000000000000001A',
      '2025-07-01T09:00:00',
      (e, i) => i === 0 && Object.assign(e, { ExpenseTypeCode: 'PARKG', ExpenseTypeName: 'Parking' }),
    );
    addReport(env, '0ABE470830994E666833', 'NEW0000000000000002B', '2025-07-01T09:05:00');
    addReport(
      env,
      '0ABE470830994E666833',
      'NEW0000000000000003C',
      '2025-07-01T09:10:00',
      (e, i) => i === 1 && Object.assign(e, { OrgUnit2: { Type: 'List', Code: 'CC999', Value: 'Gone' } }),
    );
    for (const a of env.concur.state.allocations.values())
      if (String(a.EntryID).startsWith('NEW0000000000000003CE1')) a.Custom1 = null;

    const { report } = await runPipeline(env, PIPELINE);
    expect(report.apply?.created).toBe(1);
    const posted = entriesByReference(env);
    expect(posted.size).toBe(count + 1);
    expectPostingOf(
      env,
      env.concur.state.reports.get('NEW0000000000000002B')!,
      posted.get(`${PREFIX}NEW0000000000000002B`)!,
    );
    const parked = new Map(report.attention.sample.map((a) => [a.sourceKey, a.message]));
    expect(parked.get('NEW0000000000000001A')).toContain(
      'expense type PARKG has no G/L account in mappings/concur-expense-types-to-gl.csv',
    );
    expect(parked.get('NEW0000000000000003C')).toContain('cost center CC999');
    expect(parked.get('NEW0000000000000003C')).toContain('is not an active SAP B1 profit center');
  });

  it('a EUR report whose lines SAP rounds one by one still posts balanced in USD: each debit line has its own credit line', async () => {
    // 3 x 10.05 EUR at 1.08 is 3 x 10.85 USD = 32.55, but 30.15 EUR as one line would be 32.56 USD
    addReport(env, '5EC5C1989D5E89F36369', 'NEWEUR00000000000001', '2025-07-02T09:00:00', (e) =>
      Object.assign(e, { ApprovedAmount: 10.05, PostedAmount: 10.05 }),
    );
    const { report } = await runPipeline(env, PIPELINE);
    expect(report.apply?.created).toBe(1);
    const je = entriesByReference(env).get(`${PREFIX}NEWEUR00000000000001`)!;
    expectPostingOf(env, env.concur.state.reports.get('NEWEUR00000000000001')!, je);
    expect(sum(linesOf(je).map((l) => cents(l.Debit)))).toBe(3255);
  });

  it('once the mapping file gains the missing expense type, attention resync posts the parked report', async () => {
    const id = 'BB05DF1B1E0E05B6F11B'; // the demo report with a GIFTS entry
    const maps = join(env.dir, 'mappings');
    cpSync(join(PIPELINES_DIR, 'mappings'), maps, { recursive: true });
    appendFileSync(join(maps, 'concur-expense-types-to-gl.csv'), 'GIFTS,6900,Gifts\n');
    const doc = parse(readFileSync(env.connectionsPath, 'utf8')) as { connections: Record<string, Json> };
    doc.connections.mappings!.baseDir = maps;
    const connections = join(env.dir, 'connections-fixed-mapping.yaml');
    writeFileSync(connections, stringify(doc));
    const withFixed = (argv: string[]): Promise<CliResult> =>
      cli([...argv, '--connections', connections, '--state', env.stateUrl], { cwd: env.dir, env: env.env });

    expect((await withFixed(['attention', 'resync', PIPELINE, id])).code).toBe(0);
    const report = JSON.parse(
      (await withFixed(['run', pipelinePath(PIPELINE), '--json', '--no-progress'])).stdout,
    ) as RunReportJson;
    expect(report.apply?.created).toBe(1);
    const je = entriesByReference(env).get(`${PREFIX}${id}`)!;
    const gifts = entriesOf(env, id).find((e) => e.ExpenseTypeCode === 'GIFTS')!;
    expect(linesOf(je).find((l) => l.LineMemo === gifts.Description)).toMatchObject({
      AccountCode: '6900',
      Debit: gifts.ApprovedAmount,
    });
    expectBalanced(je);
    expect(report.attention.sample.some((a) => a.sourceKey === id)).toBe(false);
  });
});

describe('concur-expense-reports-to-sap-b1 posts exactly once under faults', async () => {
  const dropped = await demoEnvironment();
  const droppedSingles = await demoEnvironment();
  const killed = await demoEnvironment();
  const killedInFlight = await demoEnvironment();

  function expectOnePerReport(env: DemoEnvironment): void {
    const posted = entriesByReference(env); // fails on a second entry for any report
    const expected = approvedReports(env).filter((r) => !unpostable(env).has(String(r.ID)));
    expect(posted.size).toBe(expected.length);
    for (const r of expected) expectBalanced(posted.get(`${PREFIX}${String(r.ID)}`)!);
  }

  it('SAP commits a batch of journal entries but the answer is lost: the entries are found by reference, none is posted twice', async () => {
    const fault = dropped.b1.faults.add({ method: 'POST', path: '$batch', kind: 'drop-after-commit' });
    const first = await runPipeline(dropped, PIPELINE);
    expect(first.result.code).toBe(3);
    expect(fault.hits).toBe(1);
    expectOnePerReport(dropped);
    const again = await runPipeline(dropped, PIPELINE);
    expect(again.report.apply?.created).toBe(0);
    expectOnePerReport(dropped);
  });

  it('without batching, lost answers to single journal entry posts are recovered the same way', async () => {
    const connections = connectionsWith(droppedSingles, { batch: false });
    const fault = droppedSingles.b1.faults.add({
      method: 'POST',
      path: 'JournalEntries',
      kind: 'drop-after-commit',
      times: 3,
    });
    const first = await cli(runArgs(droppedSingles, connections), { cwd: droppedSingles.dir, env: droppedSingles.env });
    expect(first.code).toBe(3);
    expect(fault.hits).toBe(3);
    expectOnePerReport(droppedSingles);
    const again = await cli(runArgs(droppedSingles, connections), { cwd: droppedSingles.dir, env: droppedSingles.env });
    expect((JSON.parse(again.stdout) as RunReportJson).apply?.created).toBe(0);
    expectOnePerReport(droppedSingles);
  });

  it('sluice killed with SIGKILL while posting: the rerun settles what was in flight and ends with exactly one journal entry per report', async () => {
    const env = killed;
    // a short request timeout and no extra window: the emulator commits within its delay
    const connections = connectionsWith(env, { batch: false, timeoutMs: 2000, commitWindowMs: 0 });
    // Five posts go through; SAP holds the sixth, which is in flight when the process dies.
    env.b1.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'delay', delayMs: 0, times: 5 });
    const inFlight = env.b1.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'hold' });
    const mark = env.b1.events.mark();
    const { child, done } = startCli(runArgs(env, connections), { cwd: env.dir, env: env.env });
    await env.b1.events.next('request', (e) => e.fault === 'hold', { since: mark });
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    inFlight.release(); // a post in flight when the process died still lands, within its timeout
    await env.b1.idle({ connections: true });
    // the dead run recorded it as pending before sending it: wait until it can be settled
    const pending = await untilSettleable(env.stateUrl, PIPELINE);
    expect(pending).toBeGreaterThan(0);
    env.b1.faults.clear();
    const partial = postedEntries(env).length;
    expect(partial).toBe(6);

    const rerun = await cli(runArgs(env, connections), { cwd: env.dir, env: env.env });
    expect(rerun.code).toBe(3);
    const report = JSON.parse(rerun.stdout) as RunReportJson & { settled?: { found: number; absent: number } };
    expect(report.apply?.created).toBe(25 - partial);
    expect((report.settled?.found ?? 0) + (report.settled?.absent ?? 0)).toBe(pending);
    expectOnePerReport(env);
  }, 90_000); // two CLI runs and a wait for the commit window on the system clock

  it('sluice killed while SAP still processes a batch that it then commits: the rerun adopts those entries instead of posting them again', async () => {
    const env = killedInFlight;
    const fault = env.b1.faults.add({ method: 'POST', path: '$batch', kind: 'hold' });
    const mark = env.b1.events.mark();
    const { child, done } = startSluice(env, ['run', pipelinePath(PIPELINE), '--json']);
    const batch = await env.b1.events.next('request', (e) => e.fault === 'hold', { since: mark }); // its body is in
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    fault.release(); // SAP carries on with the batch of the dead process and commits it
    await env.b1.events.next('responded', (e) => e.requestId === batch.requestId, { since: mark });
    await env.b1.idle({ connections: true });
    expect(env.b1.events.all('committed', (e) => e.requestId === batch.requestId)).toHaveLength(20);
    expect(postedEntries(env)).toHaveLength(20);

    const { result, report } = await runPipeline(env, PIPELINE);
    expect(result.code).toBe(3);
    expect(report.plan?.counts).toMatchObject({ create: 5, noop: 20 });
    expect(report.apply?.created).toBe(5);
    expectOnePerReport(env);
  }, 90_000); // two CLI runs and a wait for the commit window on the system clock
});
