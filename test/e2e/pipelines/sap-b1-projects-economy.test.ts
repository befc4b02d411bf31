/**
 * API-call economy of pipelines/sap-b1-projects-to-concur-list.yaml: over 2,000 projects with 25
 * changed, a run costs the reads of the Concur list plus one bulk write (Concur emulator's counters).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EmulatorState } from '../../../connectors/concur/emulator/index.js';
import type { DemoEnvironment } from '../../../app/demo/environment.js';
import { demoEnvironment, sluice, type RunReportJson } from '../../helpers/demo-env.js';

// PIPELINES_DIR of the demo environment is only right in the build (dist/); from the sources it points one level too high.
const PIPELINE_FILE = fileURLToPath(new URL('../../../pipelines/sap-b1-projects-to-concur-list.yaml', import.meta.url));

/** The demo company has 26 active projects; 1,974 more make 2,000. */
const EXTRA = 1974;
const extraCode = (i: number): string => `P${20000 + i}`;
const extraName = (i: number): string => `Customer Project ${i + 1}`;

/** The Concur list already holds every active project (P1001..P1020 are in the demo fixtures). */
function seedConcurList(state: EmulatorState): void {
  const list = state.listByName('Projects')!;
  const add = (n: number, code: string, value: string): void => {
    state.listItems.set(`economy-${n}`, {
      id: `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`,
      listId: list.id,
      code,
      shortCode: code,
      value,
      level: 1,
      isDeleted: false,
    });
  };
  const demo = [
    'Office Consolidation',
    'Pricing Study',
    'Service Contract Migration',
    'Probe Accessory Line',
    'Lab Safety Upgrade',
    'Security Hardening',
  ];
  demo.forEach((value, i) => add(i, `P${1021 + i}`, value));
  for (let i = 0; i < EXTRA; i++) add(100 + i, extraCode(i), extraName(i));
}

async function run(env: DemoEnvironment): Promise<RunReportJson> {
  const result = await sluice(env, ['run', PIPELINE_FILE, '--json']);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return JSON.parse(result.stdout) as RunReportJson;
}

describe('sap-b1-projects-to-concur-list API-call economy', async () => {
  const env = await demoEnvironment({
    b1: {
      seed: {
        Projects: Array.from({ length: EXTRA }, (_, i) => ({
          Code: extraCode(i),
          Name: extraName(i),
          ValidFrom: '2024-01-01',
          ValidTo: null,
          Active: 'tYES',
        })),
      },
    },
    concur: { seed: seedConcurList },
  });

  it('2,000 projects, 25 renamed: the list reads plus one bulk write', async () => {
    const first = await run(env);
    expect(first.plan?.counts).toMatchObject({ read: 2000, create: 0, update: 0, delete: 0, noop: 2000 });
    expect(env.concur.count({ path: '/list/v4/lists/:listId/bulk' })).toBe(0);

    for (let i = 0; i < 25; i++) env.b1.state.Projects.get(extraCode(i * 70))!.Name = `${extraName(i * 70)} Phase Two`;
    env.concur.clearLog();
    const report = await run(env);
    expect(report.plan?.counts).toMatchObject({
      read: 2000,
      create: 0,
      update: 25,
      delete: 0,
      noop: 1975,
      attention: 0,
    });
    expect(report.apply).toMatchObject({ updated: 25, failed: 0 });

    const counters = env.concur.counters();
    const listPages = Math.ceil(2000 / 100);
    const bulk = env.concur.find({ path: '/list/v4/lists/:listId/bulk' });
    expect(bulk.map((r) => r.method)).toEqual(['PATCH']);
    expect((bulk[0]!.requestBody as { requests: unknown[] }).requests).toHaveLength(25);
    // reads: the list resolved by name once, then its items in pages of 100 (a flat list has no child walks)
    expect(counters['GET /list/v4/lists']).toBe(1);
    expect(counters['GET /list/v4/lists/:listId/children']).toBe(listPages);
    const other = Object.entries(counters).filter(
      ([route]) =>
        !['GET /list/v4/lists', 'GET /list/v4/lists/:listId/children', 'PATCH /list/v4/lists/:listId/bulk'].includes(
          route,
        ) && !route.includes('/oauth2/'),
    );
    expect(other).toEqual([]);
    expect(env.concur.count()).toBeLessThanOrEqual(1 + listPages + 1 + 1); // + at most one token request
    expect(report.apiCalls.concur?.apiCalls).toBeLessThanOrEqual(1 + listPages + 1 + 1);

    const list = env.concur.state.listByName('Projects')!;
    expect(env.concur.state.itemByCode(list.id, extraCode(70))?.value).toBe(`${extraName(70)} Phase Two`);
    expect(env.concur.state.itemByCode(list.id, extraCode(71))?.value).toBe(extraName(71));
  });
});
