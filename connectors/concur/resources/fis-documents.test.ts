import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfirmOutcome, CredentialVault, DataRecord } from '../../../engine/connector/types.js';
import { ManualClock } from '../../../engine/runtime/clock.js';
import { memoryVault } from '../../../test/conformance/context.js';
import { startConcurEmulator, type ConcurEmulator } from '../emulator/index.js';
import { openAgainst } from '../test-support.js';

let emu: ConcurEmulator;
let vault: CredentialVault;
beforeEach(async () => {
  emu = await startConcurEmulator();
  vault = memoryVault();
});
afterEach(async () => {
  await emu.close();
});

async function read(
  pageSize = 10,
  options: DataRecord = {},
  clock?: ManualClock,
): Promise<{ docs: DataRecord[]; confirm: (o: ConfirmOutcome[]) => Promise<void> }> {
  const connection = await openAgainst(emu, { vault, ...(clock && { clock }) });
  const source = connection.source!('fis-documents', { docType: 'expense', postingCompanyId: 'NWI01', ...options });
  const docs: DataRecord[] = [];
  for await (const page of source.read({ pageSize })) {
    expect(page.length).toBeLessThanOrEqual(pageSize);
    docs.push(...page);
  }
  return { docs, confirm: (o) => source.confirm!(o) };
}

describe('concur fis-documents', () => {
  it('acknowledges each page before delivering it, and confirms postings after apply', async () => {
    const { docs, confirm } = await read(10);
    expect(docs).toHaveLength(28);
    expect(
      docs.every(
        (d) => d.docStatus === 'ACKNOWLEDGED' && (d.document as { report: { reportId: string } }).report.reportId,
      ),
    ).toBe(true);
    expect(
      [...emu.state.fisDocuments.values()].every((d) => d.docStatus === 'ACKNOWLEDGED' && d.acknowledgedBy === 'SAPB1'),
    ).toBe(true);
    expect(emu.count({ method: 'POST', path: /acknowledgements$/ })).toBe(3);

    const [failed, deferred, ...posted] = docs;
    // posting dates across a year end: each confirmation carries its own entry's date and year
    const day = (i: number): string => new Date(Date.UTC(2024, 11, 20 + i)).toISOString().slice(0, 10);
    await confirm([
      ...posted.map((d, i): ConfirmOutcome => ({
        sourceKey: String(d.id),
        record: d,
        status: 'success',
        targetId: `JE-${100 + i}`,
        targetRecord: { ReferenceDate: day(i), Memo: 'posted' },
      })),
      { sourceKey: String(failed!.id), record: failed!, status: 'failure', message: 'G/L account 6999 does not exist' },
      { sourceKey: String(deferred!.id), record: deferred!, status: 'deferred' },
    ]);
    const state = (id: unknown) => emu.state.fisDocuments.get(String(id))!;
    expect(posted.every((d) => state(d.id).docStatus === 'POSTING_CONFIRMED_SUCCESS')).toBe(true);
    expect(state(posted[0]!.id).postingConfirmation).toMatchObject({
      overallPostingStatusCode: 'success',
      postingDocs: [{ companyId: 'NWI01', documentNumber: 'JE-100', postingDate: '2024-12-20', fiscalYear: '2024' }],
      systemMessages: [],
    });
    expect(
      posted.map((d) => {
        const [pd] = state(d.id).postingConfirmation!.postingDocs as Record<string, unknown>[];
        return `${String(pd!.documentNumber)} ${String(pd!.postingDate)} ${String(pd!.fiscalYear)}`;
      }),
    ).toEqual(posted.map((_, i) => `JE-${100 + i} ${day(i)} ${day(i).slice(0, 4)}`));
    expect(state(failed!.id)).toMatchObject({
      docStatus: 'POSTING_CONFIRMED_FAILURE',
      postingConfirmation: {
        overallPostingStatusCode: 'error',
        systemMessages: [{ messageLongText: 'G/L account 6999 does not exist' }],
      },
    });
    expect(emu.state.reports.get(state(failed!.id).sourceId)?.PaymentStatusName).toBe('Financial Posting Failed');
    expect(state(deferred!.id).docStatus).toBe('ACKNOWLEDGED');

    const next = await read(10);
    expect(next.docs.map((d) => d.id)).toEqual([deferred!.id]);
  });

  it('delivers again, on the next run, documents acknowledged but never confirmed (a run that stopped)', async () => {
    const first = await read(25);
    expect(first.docs).toHaveLength(28);
    const again = await read(25);
    expect(again.docs.map((d) => d.id).sort()).toEqual(first.docs.map((d) => d.id).sort());
    expect(emu.count({ method: 'POST', path: /acknowledgements$/ })).toBe(2);
    await again.confirm(
      again.docs.map((d) => ({ sourceKey: String(d.id), record: d, status: 'success', targetId: 'JE-1' })),
    );
    expect((await read(25)).docs).toEqual([]);
  });

  it('never delivers a document whose acknowledgement fails', async () => {
    const docs = [...emu.state.fisDocuments.values()];
    docs[3]!.erpSystemId = 'OTHER-ERP';
    docs[12]!.erpSystemId = 'OTHER-ERP';
    const { docs: delivered } = await read(5);
    expect(delivered).toHaveLength(26);
    expect(delivered.map((d) => d.id)).not.toContain(docs[3]!.id);
    expect(docs[3]!.docStatus).toBe('READY');
    const ack = emu
      .find({ path: /acknowledgements$/ })
      .flatMap((r) => r.responseBody as { docId: string; code: number }[]);
    expect(
      ack
        .filter((a) => a.code === 99)
        .map((a) => a.docId)
        .sort(),
    ).toEqual([docs[3]!.id, docs[12]!.id].sort());
  });

  it('acknowledges again when a confirmation says the document was not acknowledged', async () => {
    const { docs, confirm } = await read(25);
    const doc = emu.state.fisDocuments.get(String(docs[0]!.id))!;
    doc.docStatus = 'READY';
    await confirm([{ sourceKey: doc.id, record: docs[0]!, status: 'success', targetId: 'JE-7' }]);
    expect(doc.docStatus).toBe('POSTING_CONFIRMED_SUCCESS');
    const results = emu.find({ path: /postingconfirmations$/ }).flatMap((r) => r.responseBody as { code: number }[]);
    expect(results.map((r) => r.code)).toEqual([111, 0]);
  });

  it('numbers the fiscal year as configured, and uses the injected clock only for a posted record without a date', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
    const { docs, confirm } = await read(25, { fiscalYearStartMonth: 7, fiscalYearNumbering: 'end-year' }, clock);
    const [june, july, undated] = docs;
    await confirm([
      {
        sourceKey: String(june!.id),
        record: june!,
        status: 'success',
        targetId: '7',
        targetRecord: { ReferenceDate: '2025-06-30' },
      },
      {
        sourceKey: String(july!.id),
        record: july!,
        status: 'success',
        targetId: '8',
        targetRecord: { ReferenceDate: '2025-07-01T00:00:00Z' },
      },
      { sourceKey: String(undated!.id), record: undated!, status: 'success', targetId: '9', targetRecord: {} },
    ]);
    const sent = (d: DataRecord) =>
      (emu.state.fisDocuments.get(String(d.id))!.postingConfirmation!.postingDocs as Record<string, unknown>[])[0];
    expect(sent(june!)).toMatchObject({ documentNumber: '7', postingDate: '2025-06-30', fiscalYear: '2025' });
    expect(sent(july!)).toMatchObject({ documentNumber: '8', postingDate: '2025-07-01', fiscalYear: '2026' });
    expect(sent(undated!)).toMatchObject({ documentNumber: '9', postingDate: '2026-01-15', fiscalYear: '2026' });
  });

  it('refuses to open without the ERP company every confirmation must name', async () => {
    const connection = await openAgainst(emu, { vault });
    expect(() => connection.source!('fis-documents', { docType: 'expense' })).toThrow(
      expect.objectContaining({ code: 'CONCUR_FIS_COMPANY_MISSING' }),
    );
  });
});
