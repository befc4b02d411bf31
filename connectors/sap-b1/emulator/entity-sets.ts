/**
 * How each served entity set is keyed and which Service Layer features it has (ETag since FP 2102
 * for business partners and marketing documents, fact sheet §8).
 */
import type { EntitySetName } from './edm/model.js';

export interface EntitySetDef {
  key: string;
  keyType: 'string' | 'int';
  /** The server assigns the key (JdtNum, DocEntry, EmployeeID). */
  autoKey: boolean;
  etag: boolean;
}

export const ENTITY_SETS: Record<EntitySetName, EntitySetDef> = {
  BusinessPartners: { key: 'CardCode', keyType: 'string', autoKey: false, etag: true },
  ChartOfAccounts: { key: 'Code', keyType: 'string', autoKey: false, etag: false },
  CreditNotes: { key: 'DocEntry', keyType: 'int', autoKey: true, etag: true },
  Dimensions: { key: 'DimensionCode', keyType: 'int', autoKey: false, etag: false },
  DistributionRules: { key: 'FactorCode', keyType: 'string', autoKey: false, etag: false },
  EmployeesInfo: { key: 'EmployeeID', keyType: 'int', autoKey: true, etag: false },
  IncomingPayments: { key: 'DocEntry', keyType: 'int', autoKey: true, etag: false },
  Invoices: { key: 'DocEntry', keyType: 'int', autoKey: true, etag: true },
  JournalEntries: { key: 'JdtNum', keyType: 'int', autoKey: true, etag: false },
  ProfitCenters: { key: 'CenterCode', keyType: 'string', autoKey: false, etag: false },
  Projects: { key: 'Code', keyType: 'string', autoKey: false, etag: false },
};
