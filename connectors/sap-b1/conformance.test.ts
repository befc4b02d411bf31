/** The shared connector conformance suite, run against the Service Layer emulator in v2 and v1. */
import type { DataRecord } from '../../engine/connector/types.js';
import { runConformanceSuite, type ConformanceFixture, type SourceFixture } from '../../test/conformance/suite.js';
import type { SapB1Config } from './config.js';
import { startSapB1Emulator, type SapB1Emulator } from './emulator/index.js';
import { sapB1Connector } from './index.js';
import { emulatorConfig } from './test-support.js';

interface Fixture extends ConformanceFixture<SapB1Config> {
  emu: SapB1Emulator;
}

const keysOf = (
  emu: SapB1Emulator,
  set: Parameters<SapB1Emulator['entities']>[0],
  key: string,
  keep: (e: DataRecord) => boolean = () => true,
): string[] =>
  emu
    .entities(set)
    .filter(keep)
    .map((e) => String(e[key]));

function sources(emu: SapB1Emulator): SourceFixture[] {
  const open = (e: DataRecord): boolean => e.DocumentStatus === 'bost_Open' && e.Cancelled === 'tNO';
  return [
    { resource: 'dimensions', options: {}, expectedKeys: keysOf(emu, 'Dimensions', 'DimensionCode') },
    {
      resource: 'profit-centers',
      options: { dimension: 1 },
      expectedKeys: keysOf(emu, 'ProfitCenters', 'CenterCode'),
      pageSize: 3,
    },
    { resource: 'chart-of-accounts', options: {}, expectedKeys: keysOf(emu, 'ChartOfAccounts', 'Code'), pageSize: 5 },
    {
      resource: 'business-partners',
      options: { select: ['CardName', 'UpdateDate'] },
      expectedKeys: keysOf(emu, 'BusinessPartners', 'CardCode'),
      pageSize: 25,
      incremental: {
        cursorField: 'UpdateDate',
        since: '2024-04-01',
        expectedKeys: keysOf(emu, 'BusinessPartners', 'CardCode', (e) => String(e.UpdateDate) >= '2024-04-01'),
      },
    },
    {
      resource: 'employees',
      options: {},
      expectedKeys: keysOf(emu, 'EmployeesInfo', 'EmployeeID'),
      pageSize: 10,
      incremental: {
        cursorField: 'UpdateDate',
        since: '2024-02-20T06:00:00Z',
        expectedKeys: keysOf(emu, 'EmployeesInfo', 'EmployeeID', (e) => String(e.UpdateDate) >= '2024-02-20'),
      },
    },
    {
      resource: 'journal-entries',
      options: {},
      expectedKeys: keysOf(emu, 'JournalEntries', 'JdtNum'),
      incremental: { cursorField: 'JdtNum', since: '2', expectedKeys: ['2', '3'] },
    },
    {
      resource: 'invoices',
      options: {},
      expectedKeys: keysOf(emu, 'Invoices', 'DocEntry', open),
      pageSize: 5,
      incremental: {
        cursorField: 'DocEntry',
        since: '10',
        expectedKeys: keysOf(emu, 'Invoices', 'DocEntry', (e) => open(e) && Number(e.DocEntry) >= 10),
      },
    },
  ];
}

for (const version of ['v2', 'v1'] as const) {
  runConformanceSuite<SapB1Config, Fixture>({
    name: `sap-b1 (Service Layer emulator, ${version})`,
    definition: sapB1Connector,
    async setup() {
      const emu = await startSapB1Emulator();
      const config = emulatorConfig(emu, { version });
      return {
        emu,
        config,
        invalidConfigs: [
          { ...config, version: 'v9' },
          { ...config, concurrency: 100 },
          { ...config, password: undefined },
        ],
        source: sources(emu),
        target: {
          resource: 'projects',
          options: {},
          keyField: 'Code',
          newRecord: (i) => ({ Code: `CF${version}${i}`, Name: `Conformance project ${i}`, ValidFrom: '2024-07-01' }),
          changeRecord: (r) => ({ ...r, Name: `${String(r.Name)} (renamed)` }),
          rejectedRecord: () => ({ Code: 'X'.repeat(25), Name: 'code longer than SAP allows' }),
        },
        teardown: () => emu.close(),
      };
    },
    async authFailure(fx) {
      return { config: { ...fx.config, password: 'not-the-password' } };
    },
    async injectRetryableFailure(fx) {
      fx.emu.faults.add({ path: 'Dimensions', kind: '500', times: Infinity });
      return async () => fx.emu.faults.clear();
    },
    async injectFinalFailure(fx) {
      fx.emu.faults.add({
        path: 'Dimensions',
        kind: 'error',
        status: 400,
        code: -1000,
        message: 'Invalid query',
        times: Infinity,
      });
      return async () => fx.emu.faults.clear();
    },
  });
}
