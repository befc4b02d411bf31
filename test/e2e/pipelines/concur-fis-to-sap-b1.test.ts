/**
 * End to end: pipelines/concur-fis-to-sap-b1.yaml through the CLI (a subprocess) against the Concur
 * and SAP Business One emulators seeded with the demo company: FIS expense documents become journal
 * entries, and every document's posting confirmation (success with the entry's number, posting date
 * and fiscal year, as the SAP B1 emulator holds the entry; or error with the reason) is checked in the
 * Concur emulator's FIS state. The Concur traffic of each run is checked against the vendored specs.
 */
import { describe, expect, it } from 'vitest';
import type { DemoEnvironment } from '../../../engine/cli/demo/environment.js';
import { checkExchanges } from '../../../connectors/concur/emulator/spec/check.js';
import type { FisDocument } from '../../../connectors/concur/emulator/state.js';
import {
  demoEnvironment,
  pipelinePath,
  runPipeline as runNamed,
  sluice,
  startSluice,
  type RunReportJson,
} from '../../helpers/demo-env.js';
import {
  cents,
  expectCurrencyRules,
  sum,
  entriesByReference as byReference,
  postedEntries as postedBy,
  reversals,
  type Json,
  type Line,
} from '../../helpers/journal-entries.js';

const PIPELINE = 'concur-fis-to-sap-b1';
const PREFIX = 'CONCUR-ER-';

const postedEntries = (env: DemoEnvironment): Json[] => postedBy(env, PREFIX);
const entriesByReference = (env: DemoEnvironment): Map<string, Json> => byReference(env, PREFIX);
const PIPELINE_PATH = pipelinePath(PIPELINE);
const runPipeline = (env: DemoEnvironment): ReturnType<typeof runNamed> => runNamed(env, PIPELINE);

const docs = (env: DemoEnvironment): FisDocument[] => [...env.concur.state.fisDocuments.values()];
const employeeOf = (d: FisDocument): string => String(((d.document.employee ?? {}) as Json).employeeId);
const entriesOfDoc = (d: FisDocument): Json[] => (d.document.expenseEntry ?? []) as Json[];

/** Demo documents that cannot post: an unmapped expense type (GIFTS) or an employee without business partner. */
function unpostable(env: DemoEnvironment): Set<string> {
  const partners = new Set(env.b1.entities('BusinessPartners').map((b) => b.CardCode));
  return new Set(
    docs(env)
      .filter((d) => entriesOfDoc(d).some((e) => e.expenseTypeCode === 'GIFTS') || !partners.has(employeeOf(d)))
      .map((d) => d.id),
  );
}

interface Confirmation {
  status: string;
  documentNumber?: string;
  companyId?: string;
  postingDate?: string;
  fiscalYear?: string;
  message?: string;
}

function confirmation(d: FisDocument): Confirmation {
  const c = (d.postingConfirmation ?? {}) as Json;
  const posting = ((c.postingDocs ?? []) as Json[])[0];
  const message = ((c.systemMessages ?? []) as Json[])[0];
  return {
    status: d.docStatus,
    ...(posting && {
      documentNumber: String(posting.documentNumber),
      companyId: String(posting.companyId),
      postingDate: String(posting.postingDate),
      fiscalYear: String(posting.fiscalYear),
    }),
    ...(message && { message: String(message.messageLongText) }),
  };
}

/** A success confirmation of the journal entry the SAP B1 emulator holds: its number, date and (calendar) year. */
function confirmedAs(je: Json): Confirmation {
  const date = String(je.ReferenceDate).slice(0, 10);
  return {
    status: 'POSTING_CONFIRMED_SUCCESS',
    documentNumber: String(je.JdtNum),
    companyId: 'SBO_NORTHWIND',
    postingDate: date,
    fiscalYear: date.slice(0, 4),
  };
}

/** Every Concur exchange so far matches the vendored specs (and the documented FIS confirmation). */
function expectConcurTrafficMatchesSpecs(env: DemoEnvironment): void {
  expect(checkExchanges(env.concur.requests)).toEqual([]);
}

/** The document's journal entry: balanced, its journal amounts debited, the employee credited for the cash part. */
function expectPostingOf(env: DemoEnvironment, d: FisDocument, je: Json): void {
  const report = d.document.report as Json;
  const currency = String(report.employeeCurrencyAlphaCode);
  const foreign = currency !== 'USD';
  const rate = env.b1.company.rate(currency, String(je.ReferenceDate).slice(0, 10))!;
  // in the document's currency: kept where the account or partner takes it, else converted back from USD
  const amount = (l: Line, side: 'Debit' | 'Credit'): number =>
    !foreign ? cents(l[side]) : l.FCCurrency ? cents(l[`FC${side}`]) : Math.round(cents(l[side]) / rate);
  const lines = je.JournalEntryLines as Line[];
  if (foreign) expectCurrencyRules(env, je, currency, rate);
  expect(sum(lines.map((l) => cents(l.Debit)))).toBe(sum(lines.map((l) => cents(l.Credit))));
  const journals = entriesOfDoc(d).flatMap((e) => ((e.allocation ?? []) as Json[]).map((a) => ({ entry: e, a })));
  const debits = lines.filter((l) => amount(l, 'Debit') > 0);
  expect(debits.map((l) => amount(l, 'Debit'))).toEqual(
    journals.map(({ a }) => sum(((a.journal ?? []) as Json[]).map((j) => cents(j.journalAmount)))),
  );
  expect(debits.map((l) => l.CostingCode)).toEqual(journals.map(({ a }) => a.allocationCustom1Code));
  const cash = sum(
    entriesOfDoc(d)
      .filter((e) => e.reportEntryPatKey === 'CASH')
      .map((e) => cents(e.entryApprovedAmount)),
  );
  expect(sum(lines.filter((l) => l.ShortName === employeeOf(d)).map((l) => amount(l, 'Credit')))).toBe(cash);
  const card = sum(
    entriesOfDoc(d)
      .filter((e) => e.reportEntryPatKey === 'CBCP')
      .map((e) => cents(e.entryApprovedAmount)),
  );
  expect(sum(lines.filter((l) => l.AccountCode === '2150').map((l) => amount(l, 'Credit')))).toBe(card);
}

/** Adds a READY document to the Concur emulator, copied from the one of report `from`. */
function addDocument(
  env: DemoEnvironment,
  from: string,
  id: string,
  change: (doc: Json) => void = () => undefined,
): FisDocument {
  const base = docs(env).find((d) => d.sourceId === from)!;
  const doc: FisDocument = { ...structuredClone(base), id, docStatus: 'READY' };
  delete doc.postingConfirmation;
  delete doc.acknowledgedBy;
  change(doc.document);
  doc.sourceId = String((doc.document.report as Json).reportId);
  env.concur.state.fisDocuments.set(id, doc);
  return doc;
}

describe('concur-fis-to-sap-b1 end to end', async () => {
  const env = await demoEnvironment();

  it('the first run posts one journal entry per expense document and confirms each to Concur: success with the entry number, or error with the reason', async () => {
    const bad = unpostable(env);
    expect(bad.size).toBe(3);
    const all = docs(env);
    const { result, report } = await runPipeline(env);
    expect(result.code).toBe(3);
    expect(report.apply?.created).toBe(all.length - bad.size);
    expect(report.confirm).toEqual({ sent: all.length, failed: 0 });
    const posted = entriesByReference(env);
    expect(posted.size).toBe(all.length - bad.size);
    for (const d of all) {
      const c = confirmation(d);
      const je = posted.get(`${PREFIX}${d.sourceId}`);
      if (bad.has(d.id)) {
        expect(je).toBeUndefined();
        expect(c.status).toBe('POSTING_CONFIRMED_FAILURE');
        expect(env.concur.state.reports.get(d.sourceId)?.PaymentStatusName).toBe('Financial Posting Failed');
      } else {
        expectPostingOf(env, d, je!);
        expect(c).toEqual(confirmedAs(je!));
        // the entry is dated as the report (payment processing date), which is not the day of the run
        expect(c.postingDate).toBe(String((d.document.report as Json).reportPaymentProcessingDate).slice(0, 10));
        expect(env.concur.state.reports.get(d.sourceId)?.PaymentStatusName).toBe('Sent for Payment');
      }
    }
    const reasons = all
      .filter((d) => bad.has(d.id))
      .map((d) => confirmation(d).message)
      .join('\n');
    expect(reasons).toContain('expense type GIFTS has no G/L account in mappings/concur-expense-types-to-gl.csv');
    expect(reasons).toContain('employee E1035 (ivan.horvat@northwind.example) has no SAP B1 business partner');
    expect(reasons).toContain('employee E1036 (julia.weber@northwind.example) has no SAP B1 business partner');
    expectConcurTrafficMatchesSpecs(env);
  });

  it('a second run finds no new documents and changes nothing', async () => {
    const before = env.b1.entities('JournalEntries');
    const statuses = docs(env).map((d) => d.docStatus);
    const { result, report } = await runPipeline(env);
    expect(result.code).toBe(0);
    expect(report.plan?.counts.read).toBe(0);
    expect(env.b1.entities('JournalEntries')).toEqual(before);
    expect(docs(env).map((d) => d.docStatus)).toEqual(statuses);
  });

  it('a resubmitted, changed document of a posted report is one correction: the posted entry is cancelled (its reversal), the new version posted once and confirmed with it; an unchanged one is confirmed with the existing entry', async () => {
    const ref = `${PREFIX}139C5198FC3B3F45C59C`;
    const posted = entriesByReference(env);
    const original = posted.get(ref)!;
    const changed = addDocument(env, '139C5198FC3B3F45C59C', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01', (doc) => {
      (doc.report as Json).revisionNumber = 2;
      const cash = (doc.expenseEntry as Json[]).find((e) => e.reportEntryPatKey === 'CASH')!;
      cash.entryApprovedAmount = 800;
      ((cash.allocation as Json[])[0]!.journal as Json[])[0]!.journalAmount = 800;
    });
    const same = addDocument(env, 'A27048170C778C474F79', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa02');

    const plan = JSON.parse((await sluice(env, ['plan', PIPELINE_PATH, '--json'])).stdout) as RunReportJson & {
      operations: { op: string; key: string }[];
    };
    expect(plan.plan?.counts).toMatchObject({ create: 0, update: 0, locked: 0, correct: 1, noop: 1 });
    // a plan reads without acknowledging: both documents are still READY in Concur
    expect([changed.docStatus, same.docStatus]).toEqual(['READY', 'READY']);
    expect(plan.operations.map((o) => `${o.op} ${o.key}`)).toEqual([`correct ${ref}`]);

    const { report } = await runPipeline(env);
    expect(report.apply).toMatchObject({ reversed: 1, created: 1 });
    const all = env.b1.entities('JournalEntries').filter((e) => e.Reference === ref);
    expect(all.map((e) => e.JdtNum)).toEqual([
      original.JdtNum,
      reversals(env).get(original.JdtNum as number),
      entriesByReference(env).get(ref)!.JdtNum,
    ]);
    const fresh = entriesByReference(env).get(ref)!;
    expectPostingOf(env, changed, fresh);
    // confirmed with the new entry: its number, date and year, as SAP holds it
    expect(confirmation(changed)).toEqual(confirmedAs(fresh));
    expect(confirmation(same)).toEqual(confirmedAs(posted.get(`${PREFIX}A27048170C778C474F79`)!));

    const again = await runPipeline(env);
    expect(again.report.plan?.counts).toMatchObject({ read: 0, create: 0, correct: 0 });
    expect(env.b1.entities('JournalEntries').filter((e) => e.Reference === ref)).toHaveLength(3);
  });

  it('new documents: one with an unmapped expense type is confirmed as an error naming it, the other posts and is confirmed with its entry', async () => {
    const parked = addDocument(env, '0ABE470830994E666833', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb01', (doc) => {
      (doc.report as Json).reportId = 'NEWREPORT00000000001';
      (doc.expenseEntry as Json[])[0]!.expenseTypeCode = 'PARKG';
    });
    const fine = addDocument(env, '0ABE470830994E666833', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb02', (doc) => {
      (doc.report as Json).reportId = 'NEWREPORT00000000002';
    });
    const count = postedEntries(env).length;
    const { report } = await runPipeline(env);
    expect(report.apply?.created).toBe(1);
    expect(postedEntries(env)).toHaveLength(count + 1);
    const je = entriesByReference(env).get(`${PREFIX}NEWREPORT00000000002`)!;
    expectPostingOf(env, fine, je);
    expect(confirmation(fine)).toEqual(confirmedAs(je));
    expect(confirmation(parked).status).toBe('POSTING_CONFIRMED_FAILURE');
    expect(confirmation(parked).message).toContain(
      'expense type PARKG has no G/L account in mappings/concur-expense-types-to-gl.csv',
    );
    expectConcurTrafficMatchesSpecs(env);
  });
});

describe('concur-fis-to-sap-b1 posts exactly once under faults and still confirms every document', async () => {
  const dropped = await demoEnvironment();
  const killed = await demoEnvironment();

  function expectOnePerDocumentConfirmed(env: DemoEnvironment): void {
    const bad = unpostable(env);
    const posted = entriesByReference(env); // fails on a second entry for any report
    expect(posted.size).toBe(docs(env).length - bad.size);
    for (const d of docs(env)) {
      if (bad.has(d.id)) {
        expect(confirmation(d).status).toBe('POSTING_CONFIRMED_FAILURE');
        continue;
      }
      const je = posted.get(`${PREFIX}${d.sourceId}`)!;
      expectPostingOf(env, d, je);
      expect(confirmation(d)).toEqual(confirmedAs(je));
    }
  }

  it('SAP commits a batch of journal entries but the answer is lost: one entry per document, each confirmed with its number', async () => {
    const fault = dropped.b1.faults.add({ method: 'POST', path: '$batch', kind: 'drop-after-commit' });
    const { result } = await runPipeline(dropped);
    expect(result.code).toBe(3);
    expect(fault.hits).toBe(1);
    expectOnePerDocumentConfirmed(dropped);
  });

  it('sluice killed while SAP still processes a batch: the rerun gets the acknowledged documents again, posts the rest once and confirms all', async () => {
    const env = killed;
    const fault = env.b1.faults.add({ method: 'POST', path: '$batch', kind: 'hold' });
    const mark = env.b1.events.mark();
    const { child, done } = startSluice(env, ['run', PIPELINE_PATH, '--json']);
    const batch = await env.b1.events.next('request', (e) => e.fault === 'hold', { since: mark }); // its body is in
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    fault.release(); // SAP carries on with the batch of the dead process and commits it
    await env.b1.events.next('responded', (e) => e.requestId === batch.requestId, { since: mark });
    await env.b1.idle({ connections: true });
    expect(postedEntries(env)).toHaveLength(20);
    // acknowledged, never confirmed: Concur no longer lists them as READY
    expect(docs(env).every((d) => d.docStatus === 'ACKNOWLEDGED')).toBe(true);

    const { result, report } = await runPipeline(env);
    expect(result.code).toBe(3);
    expect(report.plan?.counts).toMatchObject({ read: docs(env).length, create: 5, noop: 20 });
    expect(report.confirm).toEqual({ sent: docs(env).length, failed: 0 });
    expectOnePerDocumentConfirmed(env);
  });
});
