/**
 * Remittance CSV files as pipelines/sftp-remittances-to-sap-b1.yaml reads them (one payment applied
 * to one invoice per line), written streaming so a file of 100,000 lines is never held in memory.
 * The demo drops a small one for the demo company's open invoices in its SFTP inbox; the end-to-end
 * test and `npm run bench` write large ones (test/helpers/remittance.ts).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const REMITTANCE_HEADER = 'remittance_id,customer,received_date,amount,currency,bank_reference,invoice';

export interface RemittanceLine {
  id: string;
  customer: string;
  /** YYYY-MM-DD */
  date: string;
  amount: number;
  currency: string;
  bankReference: string;
  /** The SAP Business One invoice's DocEntry. */
  invoice: number;
}

/**
 * The demo's remittance: the lockbox's file for two invoices no other demo pipeline pays (B1
 * invoices 11 and 4, test/helpers/DEMO-COMPANY.md): 11 paid in full, 4 in part.
 */
export const DEMO_REMITTANCE_FILE = 'remittance-20240603.csv';
export const DEMO_REMITTANCE: RemittanceLine[] = [
  {
    id: 'RMT-5001',
    customer: 'C3001',
    date: '2024-06-03',
    amount: 4999.99,
    currency: 'USD',
    bankReference: 'LBX-88101',
    invoice: 11,
  },
  {
    id: 'RMT-5002',
    customer: 'C3004',
    date: '2024-06-03',
    amount: 5000,
    currency: 'USD',
    bankReference: 'LBX-88102',
    invoice: 4,
  },
];

function csvLine(l: RemittanceLine): string {
  return `${l.id},${l.customer},${l.date},${l.amount.toFixed(2)},${l.currency},${l.bankReference},${l.invoice}\n`;
}

export async function writeRemittanceFile(path: string, lines: Iterable<RemittanceLine>): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${REMITTANCE_HEADER}\n`);
  for (const l of lines) if (!out.write(csvLine(l))) await once(out, 'drain');
  out.end();
  await once(out, 'close');
}
