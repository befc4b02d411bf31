import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfirmOutcome, CredentialVault, DataRecord } from '../../../engine/connector/types.js';
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

async function read(pageSize = 10): Promise<{ docs: DataRecord[]; confirm: (o: ConfirmOutcome[]) => Promise<void> }> {
  const connection = await openAgainst(emu, { vault });
  const source = connection.source!('fis-documents', { docType: 'expense', postingCompanyId: 'NWI01' });
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
    await confirm([
      ...posted.map((d, i): ConfirmOutcome => ({
        sourceKey: String(d.id),
        record: d,
        status: 'success',
        targetId: `JE-${100 + i}`,
      })),
      { sourceKey: String(failed!.id), record: failed!, status: 'failure', message: 'G/L account 6999 does not exist' },
      { sourceKey: String(deferred!.id), record: deferred!, status: 'deferred' },
    ]);
    const state = (id: unknown) => emu.state.fisDocuments.get(String(id))!;
    expect(posted.every((d) => state(d.id).docStatus === 'POSTING_CONFIRMED_SUCCESS')).toBe(true);
    expect(state(posted[0]!.id).postingConfirmation).toMatchObject({
      overallPostingStatusCode: 'success',
      postingDocs: [{ companyId: 'NWI01', documentNumber: 'JE-100' }],
    });
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
});
