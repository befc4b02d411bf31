/** Expense reports in the Concur emulator of a demo environment, as the posting e2e tests change them. */
import type { DemoEnvironment } from '../../engine/cli/demo/environment.js';
import { cents, sum, type Json } from './journal-entries.js';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export function entriesOf(env: DemoEnvironment, reportId: string): Json[] {
  return [...env.concur.state.entries.values()].filter((e) => e.ReportID === reportId);
}

export function allocationsOf(env: DemoEnvironment, entryId: string): Json[] {
  return [...env.concur.state.allocations.values()].filter((a) => a.EntryID === entryId);
}

/** Concur's report totals after entries changed: what is due to the employee and to the card. */
export function dueAmounts(env: DemoEnvironment, id: string): void {
  const entries = entriesOf(env, id);
  const due = (type: string): number =>
    sum(entries.filter((e) => e.PaymentTypeCode === type).map((e) => cents(e.ApprovedAmount))) / 100;
  Object.assign(env.concur.state.reports.get(id)!, {
    AmountDueEmployee: due('CASH'),
    AmountDueCompanyCard: due('CBCP'),
    Total: due('CASH') + due('CBCP'),
  });
}

/**
 * Adds an approved report to the Concur emulator, copied from `from` with new ids, modified at
 * `modified` and dated (ProcessingPaymentDate, the posting date) `dated`, by default the same.
 */
export function addReport(
  env: DemoEnvironment,
  from: string,
  id: string,
  modified: string,
  change: (entry: Json, i: number) => void = () => undefined,
  dated: string = modified,
): void {
  const s = env.concur.state;
  const base = s.reports.get(from)!;
  s.reports.set(id, {
    ...structuredClone(base),
    ID: id,
    Name: `Copy of ${String(base.Name)}`,
    LastModifiedDate: modified,
    ProcessingPaymentDate: dated,
  });
  entriesOf(env, from).forEach((e, i) => {
    const entryId = `${id}E${i}`;
    const entry = { ...structuredClone(e), ID: entryId, ReportID: id };
    change(entry, i);
    s.entries.set(entryId, entry);
    allocationsOf(env, String(e.ID)).forEach((a, j) =>
      s.allocations.set(`${entryId}A${j}`, { ...structuredClone(a), ID: `${entryId}A${j}`, EntryID: entryId }),
    );
  });
  dueAmounts(env, id);
}
