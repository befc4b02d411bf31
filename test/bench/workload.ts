/** The benchmark workload: realistic expense lines and the JSONata mapping a posting pipeline uses. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const TRANSFORM = `(
  $amount := $number(Amount);
  {
    "id": ReportID & "-" & $string(Line),
    "Reference": "CONCUR-" & ReportID,
    "Memo": $substring(Employee & " " & Purpose, 0, 50),
    "ReferenceDate": $substring(TransactionDate, 0, 10),
    "AccountCode": $lookup('accounts', ExpenseType).Account ? $lookup('accounts', ExpenseType).Account : "6900",
    "CostingCode": CostCenter,
    "Debit": $round($amount, 2),
    "Credit": 0,
    "FCCurrency": Currency != "USD" ? Currency : undefined,
    "LineMemo": $uppercase(ExpenseType) & " " & Vendor
  }
)`;

export const ACCOUNTS = [
  { ExpenseType: 'AIRFR', Account: '6110' },
  { ExpenseType: 'LODNG', Account: '6120' },
  { ExpenseType: 'MEALS', Account: '6130' },
  { ExpenseType: 'CARRT', Account: '6140' },
];
const TYPES = ['AIRFR', 'LODNG', 'MEALS', 'CARRT', 'TAXIX'];

export function record(i: number): Record<string, unknown> {
  return {
    ReportID: `R${String(Math.floor(i / 4)).padStart(8, '0')}`,
    Line: i % 4,
    Employee: `Employee ${i % 977}`,
    Purpose: 'Customer visit and quarterly business review',
    TransactionDate: `2024-0${(i % 9) + 1}-1${i % 10}T10:00:00`,
    ExpenseType: TYPES[i % TYPES.length],
    CostCenter: `CC${100 + (i % 8) * 10}`,
    Amount: String(((i * 7919) % 100000) / 100),
    Currency: i % 10 === 0 ? 'EUR' : 'USD',
    Vendor: `Vendor ${i % 313}`,
    LastModifiedDate: `2024-05-01T00:00:${String(i % 60).padStart(2, '0')}`,
  };
}

export async function writeJsonl(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += JSON.stringify(record(i)) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((r) => out.end(() => r()));
}
