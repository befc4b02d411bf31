/**
 * The emulator's mutable state: one Concur company with its users, expense reports, invoices, FIS
 * documents, lists and vendors. Records are kept in the shapes the APIs return (v3 PascalCase,
 * v4 camelCase, SCIM documents), so handlers mostly filter and page. Tests assert against it.
 */
export type Json = Record<string, unknown>;

export interface CompanyFixture {
  companyUuid: string;
  companyName: string;
  /** Region (emulator region name) where the company's data and tokens live. */
  region: string;
  clients: { clientId: string; clientSecret: string }[];
  /** Company request tokens accepted by the password grant with credtype=authtoken. */
  requestTokens: string[];
  /** FIS `companyId` / `entityId` values. */
  fisCompanyId: string;
  fisEntityId: string;
}

export interface ListV4 {
  id: string;
  value: string;
  levelCount: number;
  searchCriteria: string;
  displayFormat: string;
  category: { id: string; type: string };
  isReadOnly: boolean;
  isDeleted: boolean;
  managedBy?: string;
}

export interface ListItemV4 {
  id: string;
  listId: string;
  code: string;
  shortCode: string;
  value: string;
  parentId?: string;
  level: number;
  isDeleted: boolean;
}

export interface FisDocument {
  id: string;
  docType: string;
  companyId: string;
  entityId: string;
  companyUuid: string;
  erpSystemId: string;
  docStatus: string;
  /** The report / request / cash advance id this document belongs to (FIS `docId` query). */
  sourceId: string;
  document: Json;
  acknowledgedBy?: string;
  postingConfirmation?: Json;
}

export interface ProvisionOperation {
  id: string;
  bulkId?: string;
  method: string;
  path: string;
  success: boolean;
  resourceId?: string;
  messages: { code: string; message: string; type: 'error' | 'warning'; schemaPath?: string }[];
}

export interface Provision {
  id: string;
  created: string;
  operations: ProvisionOperation[];
  /** Status polls left before the request reports completed. */
  pendingPolls: number;
}

/** One fixture directory's content: a JSON file per collection. */
export interface FixtureSet {
  company: CompanyFixture;
  users: Json[];
  reports: Json[];
  entries: Json[];
  allocations: Json[];
  paymentRequests: Json[];
  fisDocuments: FisDocument[];
  lists: ListV4[];
  listItems: ListItemV4[];
  vendors: Json[];
}

export class EmulatorState {
  company: CompanyFixture;
  readonly users = new Map<string, Json>();
  readonly reports = new Map<string, Json>();
  readonly entries = new Map<string, Json>();
  readonly allocations = new Map<string, Json>();
  readonly paymentRequests = new Map<string, Json>();
  readonly fisDocuments = new Map<string, FisDocument>();
  readonly lists = new Map<string, ListV4>();
  readonly listItems = new Map<string, ListItemV4>();
  /** Keyed by `VendorCode|AddressCode`. */
  readonly vendors = new Map<string, Json>();
  readonly provisions = new Map<string, Provision>();

  constructor(fixtures: FixtureSet) {
    this.company = fixtures.company;
    for (const u of fixtures.users) this.users.set(String(u.id), u);
    for (const r of fixtures.reports) this.reports.set(String(r.ID), r);
    for (const e of fixtures.entries) this.entries.set(String(e.ID), e);
    for (const a of fixtures.allocations) this.allocations.set(String(a.ID), a);
    for (const p of fixtures.paymentRequests) this.paymentRequests.set(String(p.ID), p);
    for (const d of fixtures.fisDocuments) this.fisDocuments.set(d.id, d);
    for (const l of fixtures.lists) this.lists.set(l.id, l);
    for (const i of fixtures.listItems) this.listItems.set(i.id, i);
    for (const v of fixtures.vendors) this.vendors.set(vendorKey(v), v);
  }

  listByName(name: string): ListV4 | undefined {
    for (const l of this.lists.values()) if (l.value === name) return l;
    return undefined;
  }

  itemsOfList(listId: string): ListItemV4[] {
    return [...this.listItems.values()].filter((i) => i.listId === listId);
  }

  itemByCode(listId: string, code: string): ListItemV4 | undefined {
    for (const i of this.listItems.values()) if (i.listId === listId && i.code === code) return i;
    return undefined;
  }

  userByName(userName: string): Json | undefined {
    const wanted = userName.toLowerCase();
    for (const u of this.users.values()) if (String(u.userName).toLowerCase() === wanted) return u;
    return undefined;
  }
}

export function vendorKey(v: Json): string {
  return `${String(v.VendorCode ?? '')}|${String(v.AddressCode ?? '')}`;
}
