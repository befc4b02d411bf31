/**
 * End to end: what pipelines/concur-expense-reports-to-sap-b1.yaml posts into a USD company that a
 * real SAP Business One accepts. EUR reports keep EUR only on accounts and partners in EUR or all
 * currencies (`##`) and post USD at SAP's rate of the posting date elsewhere; a day without a rate
 * goes to attention; a report dated in a locked period is parked, or moved to the next open period
 * when the pipeline says so. Assertions are on what SAP B1 (the emulator) holds afterwards.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { DemoEnvironment } from '../../../engine/cli/demo/environment.js';
import { addReport } from '../../helpers/concur-reports.js';
import {
  demoEnvironment,
  PIPELINES_DIR,
  pipelinePath,
  runPipeline,
  sluice,
  type RunReportJson,
} from '../../helpers/demo-env.js';
import { entriesByReference, expectCurrencyRules, type Json, type Line } from '../../helpers/journal-entries.js';

const PIPELINE = 'concur-expense-reports-to-sap-b1';
const PREFIX = 'CONCUR-ER-';
const linesOf = (je: Json): Line[] => je.JournalEntryLines as Line[];

/** The demo's EUR reports: E1008 (## partner) with meals on 6130 (##); E1016 (EUR partner) with car rental on 6140 (EUR); E1024 (USD partner). */
const EUR_REPORTS = ['5EC5C1989D5E89F36369', '046AFC958C1250533D5E', '6625F7DF637E9F8AFEB4'];

/** A copy of the shipped pipelines with changed target options (the transform untouched). */
function pipelineWith(env: DemoEnvironment, options: Json): string {
  const dir = join(env.dir, `pipelines-${Object.keys(options).join('-')}`);
  cpSync(PIPELINES_DIR, dir, { recursive: true });
  const path = join(dir, `${PIPELINE}.yaml`);
  const doc = parse(readFileSync(path, 'utf8')) as { target: Json };
  doc.target.options = { ...((doc.target.options as Json | undefined) ?? {}), ...options };
  writeFileSync(path, stringify(doc));
  return path;
}

describe('concur-expense-reports-to-sap-b1 posts what SAP Business One accepts', async () => {
  const env = await demoEnvironment();

  it('EUR reports in a USD company: EUR kept on EUR and all-currency accounts and partners, USD at the SAP rate elsewhere, balanced in USD; a day without a rate goes to attention, never guessed', async () => {
    // a EUR report of E1016 (EUR partner; car rental on the EUR account 6140) dated on a day SAP has no rate for
    addReport(env, '046AFC958C1250533D5E', 'NORATE00000000000001', '2025-07-01T08:00:00', undefined, '2025-02-06');
    env.b1.company.deleteRate('EUR', '2025-02-06');

    const plan = await sluice(env, ['plan', pipelinePath(PIPELINE)]);
    expect(plan.stdout).toContain('note: EUR converted at the SAP B1 rate 1.08 of 2025-02-21:');
    expect(plan.stdout).toMatch(
      /SAP_B1_RATE_MISSING .*no EUR rate for 2025-02-06 in SAP B1; add it or set rates\.fallback/,
    );
    expect(env.b1.entities('JournalEntries').filter((e) => String(e.Reference).startsWith(PREFIX))).toEqual([]);

    const { report } = await runPipeline(env, PIPELINE);
    const posted = entriesByReference(env, PREFIX);
    const kinds = { accountFc: new Set<string>(), partnerFc: new Set<string>(), local: new Set<string>() };
    for (const id of EUR_REPORTS) {
      const je = posted.get(`${PREFIX}${id}`);
      expect(je, `${id} posted`).toBeDefined();
      expectCurrencyRules(env, je!, 'EUR', 1.08);
      for (const l of linesOf(je!)) {
        const partner = l.ShortName && l.ShortName !== l.AccountCode;
        const name = partner ? l.ShortName : l.AccountCode;
        (l.FCCurrency ? (partner ? kinds.partnerFc : kinds.accountFc) : kinds.local).add(name);
      }
    }
    // both kinds of account and partner that take EUR kept it; the USD ones got USD
    expect([...kinds.accountFc].sort()).toEqual(['6130', '6140']);
    expect([...kinds.partnerFc].sort()).toEqual(['E1008', 'E1016']);
    expect(kinds.local).toEqual(new Set(['6110', '6120', '6150', '6200', '6300', '2150', 'E1024']));
    // the car rental on 6140 stays 530.95 EUR; office supplies on the USD account 6200 are 186.20 EUR at 1.08
    const supplier = linesOf(posted.get(`${PREFIX}046AFC958C1250533D5E`)!);
    expect(supplier.find((l) => l.AccountCode === '6140')).toMatchObject({
      FCCurrency: 'EUR',
      FCDebit: 530.95,
      Debit: 573.43,
    });
    expect(supplier.find((l) => l.AccountCode === '6200')).toMatchObject({ Debit: 201.1 });
    expect(supplier.find((l) => l.AccountCode === '6200')?.FCCurrency ?? null).toBeNull();

    expect(posted.has(`${PREFIX}NORATE00000000000001`)).toBe(false);
    const parked = report.attention.sample.find((a) => a.sourceKey === 'NORATE00000000000001');
    expect(parked?.code).toBe('SAP_B1_RATE_MISSING');
    expect(parked?.message).toContain('no EUR rate for 2025-02-06 in SAP B1; add it or set rates.fallback');

    // the rate is entered in SAP; a resync posts the report at it
    env.b1.company.setRate('EUR', '2025-02-06', 1.1);
    expect((await sluice(env, ['attention', 'resync', PIPELINE, 'NORATE00000000000001'])).code).toBe(0);
    const again = await runPipeline(env, PIPELINE);
    expect(again.report.apply?.created).toBe(1);
    const je = entriesByReference(env, PREFIX).get(`${PREFIX}NORATE00000000000001`)!;
    expect(je.ReferenceDate).toBe('2025-02-06');
    expectCurrencyRules(env, je, 'EUR', 1.1);
    expect(linesOf(je).find((l) => l.AccountCode === '6200')).toMatchObject({ Debit: 204.82 });
  });

  it('a report dated in a locked period is parked with the reason (periods: park, the default); nothing is sent for it', async () => {
    env.b1.company.setPeriodStatus('2025-04', 'ltLocked');
    addReport(env, '0ABE470830994E666833', 'LOCKED00000000000001', '2025-07-02T08:00:00', undefined, '2025-04-15');
    const before = env.b1.entities('JournalEntries');
    const { report } = await runPipeline(env, PIPELINE);
    expect(report.apply?.created).toBe(0);
    expect(env.b1.entities('JournalEntries')).toEqual(before);
    const parked = report.attention.sample.find((a) => a.sourceKey === 'LOCKED00000000000001');
    expect(parked?.code).toBe('SAP_B1_PERIOD_CLOSED');
    expect(parked?.message).toContain(
      'posting date 2025-04-15 is in posting period 2025-04, which is locked in SAP B1; reopen the period in SAP B1, or set target.options.periods: next-open-period',
    );
    expect(entriesByReference(env, PREFIX).has(`${PREFIX}LOCKED00000000000001`)).toBe(false);
  });

  it('with periods: next-open-period the same report posts on the first day of the next open period, the Memo keeping its date; the plan says so first', async () => {
    const moving = pipelineWith(env, { periods: 'next-open-period' });
    expect((await sluice(env, ['attention', 'resync', PIPELINE, 'LOCKED00000000000001'])).code).toBe(0);
    const plan = await sluice(env, ['plan', moving]);
    expect(plan.stdout).toContain(
      'note: posting date 2025-04-15 is in posting period 2025-04, which is locked in SAP B1: posted on 2025-05-01, the first day of the next open period 2025-05',
    );
    const run = JSON.parse((await sluice(env, ['run', moving, '--json'])).stdout) as RunReportJson;
    expect(run.apply?.created).toBe(1);
    expect(run.attention.sample.some((a) => a.sourceKey === 'LOCKED00000000000001')).toBe(false);
    const je = entriesByReference(env, PREFIX).get(`${PREFIX}LOCKED00000000000001`)!;
    expect(je.ReferenceDate).toBe('2025-05-01');
    expect(je.Memo).toMatch(/\(dated 2025-04-15\)$/);
    expect(String(je.Memo).length).toBeLessThanOrEqual(50);
    // a rerun changes nothing: the posted entry keeps its date
    const again = JSON.parse((await sluice(env, ['run', moving, '--json'])).stdout) as RunReportJson;
    expect(again.plan?.counts).toMatchObject({ create: 0, correct: 0, locked: 0 });
  });
});
