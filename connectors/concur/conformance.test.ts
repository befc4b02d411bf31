/** The shared connector conformance suite, run against the Concur emulator's demo company. */
import type { DataRecord } from '../../engine/connector/types.js';
import { memoryVault, runConformanceSuite, type ConformanceFixture } from '../../test/conformance/suite.js';
import type { ConcurConfig } from './config.js';
import { startConcurEmulator, type ConcurEmulator } from './emulator/index.js';
import { COST_CENTERS, DIVISIONS, EMPLOYEES } from './emulator/fixtures/demo-catalog.js';
import { approverKey } from './resources/cost-object-approvers.def.js';
import { emulatorConfig } from './test-support.js';
import { concurConnector } from './index.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUPS = [...DIVISIONS.map((d) => d.code), ...COST_CENTERS.map((c) => `${c.division}-${c.code}`)];
const SINCE = '2025-03-10T00:00:00.000Z';

interface ConcurFixture extends ConformanceFixture<ConcurConfig> {
  emu: ConcurEmulator;
}

function approver(i: number): DataRecord {
  const userName = EMPLOYEES[8 + (i % 28)]!.login;
  const group = GROUPS[Math.floor(i / 28) % GROUPS.length]!;
  return {
    approverKey: approverKey(userName, 'report', group),
    userName,
    approvalType: 'report',
    approvalGroup: group,
    approvalLimit: 1000 + i,
    reimbursementCurrency: 'USD',
    level: 1,
    exceptionApprovalAuthority: false,
  };
}

runConformanceSuite<ConcurConfig, ConcurFixture>({
  name: 'concur (emulator)',
  definition: concurConnector,
  async setup() {
    const emu = await startConcurEmulator({ provisionPendingPolls: 1 });
    const s = emu.state;
    const reports = [...s.reports.values()];
    return {
      emu,
      config: emulatorConfig(emu, { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 } }),
      invalidConfigs: [
        { clientId: 'x', companyUuid: emu.credentials.companyUuid, requestToken: 't' },
        { clientId: 'x', clientSecret: 'y' },
        { clientId: 'x', clientSecret: 'y', companyUuid: 'not-a-uuid', requestToken: 't' },
        { ...emulatorConfig(emu), systemId: 'x'.repeat(51) },
      ],
      source: [
        {
          resource: 'expense-reports',
          options: { includeEntries: false },
          expectedKeys: reports.map((r) => String(r.ID)),
          incremental: {
            cursorField: 'LastModifiedDate',
            since: SINCE,
            expectedKeys: reports
              .filter((r) => String(r.LastModifiedDate) >= SINCE.slice(0, 19))
              .map((r) => String(r.ID)),
          },
        },
        {
          resource: 'payment-requests',
          options: { resolveVendorCodes: false },
          expectedKeys: [...s.paymentRequests.keys()],
        },
        {
          resource: 'fis-documents',
          options: { docType: 'expense', postingCompanyId: 'SBO_NORTHWIND' },
          expectedKeys: [...s.fisDocuments.keys()],
        },
        {
          resource: 'list-items',
          options: { list: 'Cost Centers' },
          expectedKeys: s.itemsOfList(s.listByName('Cost Centers')!.id).map((i) => i.code),
          pageSize: 5,
        },
        { resource: 'vendors', options: {}, expectedKeys: [...s.vendors.values()].map((v) => String(v.VendorCode)) },
        {
          resource: 'users',
          options: {},
          expectedKeys: [...s.users.values()].map((u) => String(u.userName)),
          pageSize: 10,
        },
        {
          resource: 'cost-object-approvers',
          options: {},
          expectedKeys: EMPLOYEES.slice(0, 8).map((e) =>
            approverKey(e.login, 'report', `${e.division}-${e.costCenter}`),
          ),
        },
      ],
      target: [
        {
          resource: 'list-items',
          options: { list: 'Projects' },
          newRecord: (i) => ({ code: `CF${1000 + i}`, value: `Conformance project ${i}` }),
          changeRecord: (r) => ({ ...r, value: `${String(r.value)} changed` }),
          rejectedRecord: () => ({ code: 'NOPE-CF1', value: 'Orphan' }),
        },
        {
          resource: 'vendors',
          options: { addressCode: 'MAIN' },
          newRecord: (i) => ({
            VendorCode: `CV${1000 + i}`,
            AddressCode: 'MAIN',
            VendorName: `Conformance Vendor ${i}`,
            CountryCode: 'US',
            CurrencyCode: 'USD',
          }),
          changeRecord: (r) => ({ ...r, City: 'Evanston' }),
          rejectedRecord: () => ({ VendorCode: 'CVBAD', VendorName: 'No country', CurrencyCode: 'USD' }),
        },
        {
          resource: 'users',
          options: {},
          newRecord: (i) => ({
            userName: `conformance.user${i}@northwind.example`,
            active: true,
            timezone: 'America/Chicago',
            preferredLanguage: 'en-US',
            name: { givenName: 'Conformance', familyName: `User${i}` },
            emails: [{ value: `conformance.user${i}@northwind.example`, type: 'work' }],
            [ENT]: { employeeNumber: `C${5000 + i}`, companyId: emu.credentials.companyUuid },
          }),
          changeRecord: (r) => ({ ...r, title: 'Changed title' }),
          rejectedRecord: () => ({ userName: 'conformance.rejected@northwind.example', active: true }),
        },
        {
          resource: 'cost-object-approvers',
          options: {},
          newRecord: approver,
          changeRecord: (r) => ({ ...r, approvalLimit: Number(r.approvalLimit) + 1 }),
          rejectedRecord: () => ({
            ...approver(0),
            userName: EMPLOYEES[0]!.login,
            approvalGroup: 'NOPE-CC999',
            approverKey: approverKey(EMPLOYEES[0]!.login, 'report', 'NOPE-CC999'),
          }),
        },
      ],
      teardown: () => emu.close(),
    };
  },
  async authFailure(fx) {
    return { config: { ...fx.config, clientSecret: 'not-the-secret' }, context: { credentials: memoryVault() } };
  },
  async injectRetryableFailure(fx) {
    const fault = fx.emu.faults.add({ path: '/api/', kind: '503', times: Infinity });
    return async () => fault.remove();
  },
  async injectFinalFailure(fx) {
    const fault = fx.emu.faults.add({ path: '/api/v3.0/expense/reports', kind: '400', times: Infinity });
    return async () => fault.remove();
  },
});
