/**
 * What the AR-platform emulator stores. The API is the emulator's own design (a plausible
 * accounts-receivable / cash-application platform), not a real vendor's; docs/emulators.md has it.
 * Amounts are JSON numbers in the document currency, dates `YYYY-MM-DD`, times ISO 8601 UTC.
 */

export const CUSTOMER_STATUSES = ['active', 'inactive'] as const;
export const INVOICE_STATUSES = ['open', 'closed'] as const;
export const PAYMENT_STATUSES = ['matched', 'unmatched'] as const;
export const DEDUCTION_STATUSES = ['open', 'approved', 'rejected'] as const;
export const PAYMENT_METHODS = ['ach', 'wire', 'check', 'card'] as const;

/** Reason codes of short-pay deductions, with what they mean. */
export const DEDUCTION_REASON_CODES = {
  PRICING: 'Price discrepancy against the agreed price',
  DAMAGED: 'Goods or service damaged or defective',
  SHORTAGE: 'Short shipment: less delivered than invoiced',
  PROMO: 'Promotional allowance taken by the customer',
  FREIGHT: 'Freight charge disputed',
} as const;
export type DeductionReasonCode = keyof typeof DEDUCTION_REASON_CODES;

interface Stamped {
  /** When the platform first stored it. */
  createdAt: string;
  /** When it last changed (the `updatedSince` filter and the list order use it). */
  updatedAt: string;
}

export interface ArCustomer extends Stamped {
  /** The platform's own id (`cus_…`). */
  id: string;
  /** The ERP's customer code (SAP B1 CardCode): the upsert key. */
  externalId: string;
  name: string;
  currency: string;
  email: string | null;
  country: string | null;
  status: (typeof CUSTOMER_STATUSES)[number];
}

export interface ArInvoice extends Stamped {
  /** The platform's own id (`inv_…`). */
  id: string;
  /** The ERP's document id (SAP B1 DocEntry, as a string): the upsert key. */
  erpDocumentId: string;
  /** The document number the customer sees (SAP B1 DocNum). */
  number: string;
  customerExternalId: string;
  currency: string;
  amount: number;
  openAmount: number;
  issueDate: string;
  dueDate: string;
  status: (typeof INVOICE_STATUSES)[number];
  /** The customer's reference (PO number). */
  customerReference: string | null;
}

/** One remittance line: which invoice the customer paid and how much of it. */
export interface RemittanceLine {
  /** The invoice's `erpDocumentId`. */
  invoiceRef: string;
  invoiceNumber: string | null;
  appliedAmount: number;
}

export interface ArPayment extends Stamped {
  /** `PAY-…`, stable: the dedupe key of payments written to an ERP. */
  id: string;
  customerExternalId: string;
  amount: number;
  currency: string;
  receivedDate: string;
  method: (typeof PAYMENT_METHODS)[number];
  bankReference: string;
  status: (typeof PAYMENT_STATUSES)[number];
  lines: RemittanceLine[];
}

export interface ArDeduction extends Stamped {
  /** `DED-…`, stable: the dedupe key of credit notes written to an ERP. */
  id: string;
  customerExternalId: string;
  /** The short-paid invoice's `erpDocumentId`. */
  invoiceRef: string;
  /** The payment that was short (null when raised on its own). */
  paymentId: string | null;
  amount: number;
  currency: string;
  reasonCode: DeductionReasonCode;
  status: (typeof DEDUCTION_STATUSES)[number];
  /** When it was approved (null unless approved). */
  approvedAt: string | null;
  note: string | null;
}

export interface ArCreditLimit extends Stamped {
  customerExternalId: string;
  /** The recalculated limit. */
  creditLimit: number;
  currency: string;
  /** When the platform last recalculated it (a recalculation with the same result keeps `updatedAt`). */
  calculatedAt: string;
}

export interface ArCollections {
  customers: ArCustomer;
  invoices: ArInvoice;
  payments: ArPayment;
  deductions: ArDeduction;
  creditLimits: ArCreditLimit;
}
export type CollectionName = keyof ArCollections;

/** The key of each collection's records. */
export const KEY_OF = {
  customers: 'externalId',
  invoices: 'erpDocumentId',
  payments: 'id',
  deductions: 'id',
  creditLimits: 'customerExternalId',
} as const satisfies { [C in CollectionName]: keyof ArCollections[C] };
