/**
 * End-to-end: pipelines/sap-b1-cost-centers-to-concur-list.yaml through the CLI (a subprocess)
 * against the SAP Business One and Concur emulators of the demo company; assertions on the
 * two-level "Cost Centers" list in the Concur emulator.
 */
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { DemoEnvironment } from '../../../app/demo/environment.js';
import { demoEnvironment, PIPELINES_DIR, runPipeline as runNamed, sluice } from '../../helpers/demo-env.js';

/** Cost centers the Concur list does not have yet, all under the demo company's four divisions. */
const NEW_CENTERS: [string, string, string][] = [
  ['CC120', 'Channel Sales', 'SALES'],
  ['CC130', 'Key Accounts', 'SALES'],
  ['CC220', 'Test Engineering', 'RND'],
  ['CC230', 'Firmware', 'RND'],
  ['CC240', 'Prototyping', 'RND'],
  ['CC320', 'Warehouse', 'OPS'],
  ['CC330', 'Field Service', 'OPS'],
  ['CC420', 'Facilities', 'GNA'],
  ['CC430', 'Legal', 'GNA'],
  ['CC440', 'Procurement', 'GNA'],
  ['CC450', 'Travel Desk', 'GNA'],
  ['CC460', 'Internal Audit', 'GNA'],
];
const center = ([code, name, division]: [string, string, string]): Record<string, unknown> => ({
  CenterCode: code,
  CenterName: name,
  InWhichDimension: 1,
  CostCenterType: division,
  GroupCode: division,
  EffectiveFrom: '2024-01-01',
  Active: 'tYES',
});

interface Item {
  code: string;
  shortCode: string;
  value: string;
  level: number;
  parent?: string;
  isDeleted: boolean;
}

function costCenters(env: DemoEnvironment): Map<string, Item> {
  const list = env.concur.state.listByName('Cost Centers')!;
  const items = env.concur.state.itemsOfList(list.id);
  const byId = new Map(items.map((i) => [i.id, i.code]));
  return new Map(
    items.map((i) => [
      i.code,
      {
        code: i.code,
        shortCode: i.shortCode,
        value: i.value,
        level: i.level,
        ...(i.parentId && { parent: byId.get(i.parentId) }),
        isDeleted: i.isDeleted === true,
      },
    ]),
  );
}

const runPipeline = (env: DemoEnvironment): ReturnType<typeof runNamed> =>
  runNamed(env, 'sap-b1-cost-centers-to-concur-list');

describe('sap-b1-cost-centers-to-concur-list', async () => {
  const env = await demoEnvironment({ b1: { seed: { ProfitCenters: NEW_CENTERS.map(center) } } });
  // The `mappings` connection gets a copy of pipelines/mappings, so a test can add a row as a consultant would.
  const mappings = join(env.dir, 'mappings');
  cpSync(join(PIPELINES_DIR, 'mappings'), mappings, { recursive: true });
  const connections = parse(readFileSync(env.connectionsPath, 'utf8')) as {
    connections: Record<string, Record<string, unknown>>;
  };
  connections.connections.mappings!.baseDir = mappings;
  writeFileSync(env.connectionsPath, stringify(connections));

  it('first run: new centers are created under their division with long codes; the existing ones are adopted', async () => {
    const { result, report } = await runPipeline(env);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ read: 20, create: 12, update: 0, delete: 0, noop: 12, attention: 0 });
    const items = costCenters(env);
    for (const [code, name, division] of NEW_CENTERS) {
      expect(items.get(`${division}-${code}`)).toEqual({
        code: `${division}-${code}`,
        shortCode: code,
        value: name,
        level: 2,
        parent: division,
        isDeleted: false,
      });
    }
    expect(items.get('SALES')).toMatchObject({ level: 1, value: 'Sales Division', isDeleted: false });
    expect(items.size).toBe(24);
    const bulk = env.concur.find({ path: '/list/v4/lists/:listId/bulk' });
    expect(bulk.map((b) => b.method)).toEqual(['POST']);
    expect((bulk[0]!.requestBody as { requests: unknown[] }).requests).toContainEqual({
      shortCode: 'CC120',
      value: 'Channel Sales',
      parentCode: 'SALES',
    });
  });

  it('second run changes nothing', async () => {
    env.concur.clearLog();
    const { result, report } = await runPipeline(env);
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 0, update: 0, delete: 0, noop: 24 });
    expect(env.concur.count({ path: '/list/v4/lists/:listId/bulk' })).toBe(0);
  });

  it('a renamed cost center is exactly one update', async () => {
    env.b1.state.ProfitCenters.get('CC200')!.CenterName = 'Engineering and Test';
    env.concur.clearLog();
    const { result, report } = await runPipeline(env);
    expect(result.code, result.stderr).toBe(0);
    expect(report.apply).toMatchObject({ created: 0, updated: 1, deleted: 0, failed: 0 });
    const bulk = env.concur.find({ path: '/list/v4/lists/:listId/bulk' });
    expect(bulk.map((b) => [b.method, b.requestBody])).toEqual([
      ['PATCH', { requests: [{ code: 'RND-CC200', value: 'Engineering and Test' }] }],
    ]);
    expect(costCenters(env).get('RND-CC200')).toMatchObject({
      value: 'Engineering and Test',
      parent: 'RND',
      isDeleted: false,
    });
  });

  it('a center of an unmapped division goes to attention, the rest sync; once mapped, division and center are created', async () => {
    env.b1.state.ProfitCenters.set('CC500', center(['CC500', 'Brand', 'MKT']));
    env.b1.state.ProfitCenters.get('CC210')!.CenterName = 'Quality Assurance';
    const { result, report } = await runPipeline(env);
    expect(result.code).toBe(3);
    expect(report.attention.sample).toEqual([
      expect.objectContaining({ sourceKey: 'CC500', code: 'TRANSFORM_FAILED' }),
    ]);
    expect(report.attention.sample[0]!.message).toContain(
      'division MKT of cost center CC500 has no row in pipelines/mappings/sap-b1-cost-center-divisions.csv',
    );
    let items = costCenters(env);
    expect(items.get('RND-CC210')).toMatchObject({ value: 'Quality Assurance' });
    expect(items.has('MKT')).toBe(false);
    expect(items.has('MKT-CC500')).toBe(false);

    appendFileSync(join(mappings, 'sap-b1-cost-center-divisions.csv'), 'MKT,Marketing\n');
    env.concur.clearLog();
    const fixed = await runPipeline(env);
    expect(fixed.result.code, fixed.result.stdout + fixed.result.stderr).toBe(0);
    expect(fixed.report.plan?.counts).toMatchObject({ create: 2, update: 0, delete: 0 });
    items = costCenters(env);
    expect(items.get('MKT')).toMatchObject({ level: 1, value: 'Marketing', isDeleted: false });
    expect(items.get('MKT-CC500')).toMatchObject({ level: 2, parent: 'MKT', value: 'Brand', isDeleted: false });
    const bulk = env.concur.find({ path: '/list/v4/lists/:listId/bulk' });
    expect(bulk.map((b) => [b.method, b.requestBody])).toEqual([
      [
        'POST',
        {
          requests: [
            { shortCode: 'MKT', value: 'Marketing' },
            { shortCode: 'CC500', value: 'Brand', parentCode: 'MKT' },
          ],
        },
      ],
    ]);
    const open = await sluice(env, ['attention', 'list', 'sap-b1-cost-centers-to-concur-list', '--json']);
    expect(open.stdout).not.toContain('CC500');
  });

  it('a center moved to another division is created there and deactivated (not deleted) under its old code', async () => {
    env.b1.state.ProfitCenters.get('CC440')!.CostCenterType = 'OPS';
    env.concur.clearLog();
    const { result, report } = await runPipeline(env);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 1, update: 0, delete: 1 });
    const items = costCenters(env);
    expect(items.get('OPS-CC440')).toMatchObject({ parent: 'OPS', value: 'Procurement', isDeleted: false });
    expect(items.get('GNA-CC440')).toMatchObject({ parent: 'GNA', isDeleted: true });
    expect(env.concur.count({ method: 'DELETE' })).toBe(0);
  });
});
