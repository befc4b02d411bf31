/**
 * A bad item in a remote source's answer: Concur sends an expense entry whose amount is `1e999`
 * (JSON parses it to Infinity; written out it would become null). That report is parked with its
 * id and the reason; every other report posts; no journal entry carries a non-finite or null amount.
 */
import { describe, expect, it } from 'vitest';
import { demoEnvironment, runPipeline } from '../helpers/demo-env.js';
import { postedEntries, type Line } from '../helpers/journal-entries.js';

const PIPELINE = 'concur-expense-reports-to-sap-b1';

describe('bad rows from the Concur emulator', async () => {
  const env = await demoEnvironment();

  it('parks the report with an infinite amount and posts the others', async () => {
    const fault = env.concur.faults.add({
      method: 'GET',
      path: '/api/v3.0/expense/entries',
      kind: 'rewrite-body',
      rewrite: { from: /"ApprovedAmount":[-\d.]+/, to: '"ApprovedAmount":1e999' },
    });
    const { result, report } = await runPipeline(env, PIPELINE);
    expect(fault.hits).toBe(1);
    expect(result.code).toBe(3);
    const bad = report.attention.sample.filter((a) => a.code === 'RECORD_NOT_FINITE');
    expect(bad).toHaveLength(1);
    expect(bad[0]?.message).toMatch(/Infinity at Entries\[\d+\]\.ApprovedAmount/);
    const posted = postedEntries(env, 'CONCUR-ER-');
    expect(posted.length).toBe(24); // 25 postable reports, one parked
    expect(posted.some((je) => je.Reference === `CONCUR-ER-${bad[0]!.sourceKey}`)).toBe(false);
    for (const je of posted)
      for (const l of je.JournalEntryLines as Line[])
        for (const v of [l.Debit, l.Credit]) expect(Number.isFinite(v)).toBe(true);
  });
});
