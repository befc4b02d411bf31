/**
 * The benchmark workload: the first job sluice exists for. Each source record is an approved expense
 * report with two to four entries; the transform turns it into a balanced journal entry (a debit
 * line per entry on the account mapped from its expense type, a credit line to the employee), the
 * shape of pipelines/concur-expense-reports-to-sap-b1.yaml in a few lines.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const TRANSFORM = `(
  $entries := Entries[PaymentType != "PERSONAL"];
  $lines := $map($entries, function($e) {
    {
      "AccountCode": $lookup('accounts', $e.ExpenseType).Account ? $lookup('accounts', $e.ExpenseType).Account : $error("expense type " & $e.ExpenseType & " has no G/L account"),
      "Debit": $round($number($e.Amount), 2),
      "Credit": 0,
      "CostingCode": $e.CostCenter ? $e.CostCenter : CostCenter,
      "LineMemo": $substring($e.ExpenseType & " " & $e.Vendor, 0, 50)
    }
  });
  $total := $round($sum($lines.Debit), 2);
  {
    "Reference": "CONCUR-ER-" & ReportID,
    "ReferenceDate": $substring(ProcessingPaymentDate, 0, 10),
    "Memo": $substring(Name, 0, 50),
    "Reference2": EmployeeID,
    "JournalEntryLines": $append($lines, [{
      "ShortName": EmployeeID,
      "Debit": 0,
      "Credit": $total,
      "LineMemo": "Employee payable " & ReportID
    }])
  }
)`;

export const ACCOUNTS = [
  { ExpenseType: 'AIRFR', Account: '6110' },
  { ExpenseType: 'LODNG', Account: '6120' },
  { ExpenseType: 'MEALS', Account: '6130' },
  { ExpenseType: 'CARRT', Account: '6140' },
  { ExpenseType: 'TAXIX', Account: '6150' },
];
const TYPES = ['AIRFR', 'LODNG', 'MEALS', 'CARRT', 'TAXIX'];

/** Record `i`; `changed` raises its first entry's amount by 1.00 (a 1%-changed input changes every 100th). */
export function record(i: number, changed = false): Record<string, unknown> {
  const n = 2 + (i % 3);
  return {
    ReportID: `R${String(i).padStart(10, '0')}`,
    Name: `Customer visit ${i % 97} and quarterly business review`,
    EmployeeID: `E${1000 + (i % 977)}`,
    CostCenter: `CC${100 + (i % 8) * 10}`,
    ProcessingPaymentDate: `2024-0${(i % 9) + 1}-1${i % 10}T10:00:00`,
    LastModifiedDate: `2024-05-01T00:00:${String(i % 60).padStart(2, '0')}`,
    Entries: Array.from({ length: n }, (_, j) => ({
      ExpenseType: TYPES[(i + j) % TYPES.length],
      Amount: String(((((i + 1) * 7919 * (j + 1)) % 100000) + (changed && j === 0 ? 100 : 0)) / 100),
      PaymentType: j === 3 ? 'PERSONAL' : 'CASH',
      CostCenter: j === 1 ? `CC${200 + (i % 4) * 10}` : null,
      Vendor: `Vendor ${(i + j) % 313}`,
    })),
  };
}

/** Whether record `i` differs in the 1%-changed input. */
export const changedOnePercent = (i: number): boolean => i % 100 === 0;

/** How many of `n` records the 1%-changed input changes. */
export const changedCount = (n: number): number => Math.ceil(n / 100);

/** Streams `n` records to a JSON Lines file (never more than about 1 MB in memory). */
export async function writeJsonl(path: string, n: number, changed?: (i: number) => boolean): Promise<void> {
  const out = createWriteStream(path);
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += JSON.stringify(record(i, changed?.(i) ?? false)) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((r) => out.end(() => r()));
}
