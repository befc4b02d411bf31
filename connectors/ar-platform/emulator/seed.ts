/**
 * The demo seed: customers, invoices, payments, deductions and credit limits that match the SAP
 * Business One demo company (test/helpers/DEMO-COMPANY.md: customers C3001..C3010, invoices by
 * DocEntry). The payments cover the AR pipelines' cases: a full payment, a partial one, one for a
 * closed invoice (B1 invoice 14), one above the open amount (invoice 5), one for an unknown invoice,
 * a two-invoice remittance, short-pays with deductions, and an unmatched receipt.
 */
import type { ArCreditLimit, ArCustomer, ArDeduction, ArInvoice, ArPayment, RemittanceLine } from './model.js';

export interface ArSeed {
  customers: ArCustomer[];
  invoices: ArInvoice[];
  payments: ArPayment[];
  deductions: ArDeduction[];
  creditLimits: ArCreditLimit[];
}

const at = (day: number, hour = 9): string =>
  `2024-06-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;

const CUSTOMERS: [string, string][] = [
  ['C3001', 'Apex Research Labs'],
  ['C3002', 'Bluewater Utilities'],
  ['C3003', 'Cedar Valley Hospital'],
  ['C3004', 'Dynamo Automotive'],
  ['C3005', 'Everest Aerospace'],
  ['C3006', 'Foxglove University'],
];

// B1 demo invoices (DocEntry, DocNum, CardCode, DocTotal, DocDate, DocDueDate).
const INVOICES: [string, string, string, number, string, string][] = [
  ['1', '10001', 'C3001', 1250, '2024-03-04', '2024-04-03'],
  ['2', '10002', 'C3002', 3400.5, '2024-03-09', '2024-04-08'],
  ['3', '10003', 'C3003', 980.25, '2024-03-14', '2024-04-13'],
  ['4', '10004', 'C3004', 15200, '2024-03-19', '2024-04-18'],
  ['5', '10005', 'C3005', 7420, '2024-03-24', '2024-04-23'],
  ['6', '10006', 'C3006', 560.4, '2024-03-29', '2024-04-28'],
];

const line = (invoiceRef: string, invoiceNumber: string | null, appliedAmount: number): RemittanceLine => ({
  invoiceRef,
  invoiceNumber,
  appliedAmount,
});

function payment(
  id: string,
  day: number,
  customerExternalId: string,
  amount: number,
  lines: ArPayment['lines'],
  status: ArPayment['status'] = 'matched',
): ArPayment {
  return {
    id,
    customerExternalId,
    amount,
    currency: 'USD',
    receivedDate: `2024-06-${String(day).padStart(2, '0')}`,
    method: 'ach',
    bankReference: `BANK-202406${String(day).padStart(2, '0')}-${id.slice(4)}`,
    status,
    lines,
    createdAt: at(day),
    updatedAt: at(day),
  };
}

function deduction(
  id: string,
  day: number,
  customerExternalId: string,
  invoiceRef: string,
  amount: number,
  reasonCode: ArDeduction['reasonCode'],
  status: ArDeduction['status'],
  paymentId: string | null,
): ArDeduction {
  return {
    id,
    customerExternalId,
    invoiceRef,
    paymentId,
    amount,
    currency: 'USD',
    reasonCode,
    status,
    approvedAt: status === 'approved' ? at(day, 15) : null,
    note: null,
    createdAt: at(day, 10),
    updatedAt: status === 'open' ? at(day, 10) : at(day, 15),
  };
}

const limit = (customerExternalId: string, creditLimit: number, day: number): ArCreditLimit => ({
  customerExternalId,
  creditLimit,
  currency: 'USD',
  calculatedAt: at(day, 2),
  createdAt: at(1, 2),
  updatedAt: at(day, 2),
});

export const DEMO_SEED: ArSeed = {
  customers: CUSTOMERS.map(([externalId, name], i) => ({
    id: `cus_${String(i + 1).padStart(6, '0')}`,
    externalId,
    name,
    currency: 'USD',
    email: null,
    country: 'US',
    status: 'active',
    createdAt: at(1, 8),
    updatedAt: at(1, 8),
  })),
  invoices: INVOICES.map(([erpDocumentId, number, customerExternalId, amount, issueDate, dueDate], i) => ({
    id: `inv_${String(i + 1).padStart(6, '0')}`,
    erpDocumentId,
    number,
    customerExternalId,
    currency: 'USD',
    amount,
    openAmount: amount,
    issueDate,
    dueDate,
    status: 'open',
    customerReference: `PO-${4499 + Number(erpDocumentId)}`,
    createdAt: at(1, 8),
    updatedAt: at(1, 8),
  })),
  payments: [
    payment('PAY-1001', 3, 'C3001', 1250, [line('1', '10001', 1250)]),
    payment('PAY-1002', 4, 'C3003', 500, [line('3', '10003', 500)]),
    payment('PAY-1003', 5, 'C3004', 3150, [line('14', '10014', 3150)]),
    payment('PAY-1004', 6, 'C3005', 8000, [line('5', '10005', 8000)]),
    payment('PAY-1005', 7, 'C3002', 5275.85, [line('2', '10002', 3400.5), line('12', '10012', 1875.35)]),
    payment('PAY-1006', 10, 'C3006', 500, [line('6', '10006', 500)]),
    payment('PAY-1007', 11, 'C3007', 2150, [line('7', '10007', 2150)]),
    payment('PAY-1008', 12, 'C3009', 640, [line('999', null, 640)]),
    payment('PAY-1009', 13, 'C3008', 1000, [], 'unmatched'),
  ],
  deductions: [
    deduction('DED-2001', 10, 'C3006', '6', 60.4, 'PRICING', 'approved', 'PAY-1006'),
    deduction('DED-2002', 11, 'C3007', '7', 150, 'DAMAGED', 'approved', 'PAY-1007'),
    deduction('DED-2003', 12, 'C3008', '8', 75.9, 'FREIGHT', 'open', null),
    deduction('DED-2004', 13, 'C3009', '9', 40, 'PROMO', 'rejected', null),
    deduction('DED-2005', 14, 'C3010', '10', 500, 'SHORTAGE', 'approved', null),
  ],
  creditLimits: [
    limit('C3001', 50000, 20),
    limit('C3002', 30000, 20),
    limit('C3003', 40000, 20),
    limit('C3004', 60000, 20),
    limit('C3005', 100000, 20),
    limit('C3006', 35000, 20),
  ],
};
