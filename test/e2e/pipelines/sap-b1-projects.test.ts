/**
 * End-to-end: pipelines/sap-b1-projects-to-concur-list.yaml through the CLI (a subprocess) against
 * the SAP Business One and Concur emulators of the demo company; assertions on the emulators' state.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { demoEnvironment, sluice, type RunReportJson } from '../../helpers/demo-env.js';
import type { CliResult } from '../../helpers/cli.js';
import type { DemoEnvironment } from '../../../app/demo/environment.js';

const PIPELINE = 'sap-b1-projects-to-concur-list';
// PIPELINES_DIR of the demo environment is only right in the build (dist/); from the sources it points one level too high.
const PIPELINE_FILE = fileURLToPath(new URL(`../../../pipelines/${PIPELINE}.yaml`, import.meta.url));

async function runPipeline(
  env: DemoEnvironment,
  extra: string[] = [],
): Promise<{ result: CliResult; report: RunReportJson }> {
  const result = await sluice(env, ['run', PIPELINE_FILE, '--json', ...extra]);
  try {
    return { result, report: JSON.parse(result.stdout) as RunReportJson };
  } catch {
    throw new Error(`sluice run printed no JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** 20 more active projects than the Concur list holds, so the pipeline owns enough items for a 10% guard to mean something. */
const MORE_PROJECTS = Array.from({ length: 20 }, (_, i) => ({
  Code: `P${1031 + i}`,
  Name: `Field Project ${i + 1}`,
  ValidFrom: '2024-01-01',
  ValidTo: null,
  Active: 'tYES',
}));

function projectsList(env: DemoEnvironment): Map<string, { code: string; value: string; isDeleted: boolean }> {
  const list = env.concur.state.listByName('Projects')!;
  return new Map(
    env.concur.state
      .itemsOfList(list.id)
      .map((i) => [i.code, { code: i.code, value: i.value, isDeleted: i.isDeleted === true }]),
  );
}

function bulkWrites(env: DemoEnvironment): { method: string; parts: unknown[] }[] {
  return env.concur
    .find({ path: '/list/v4/lists/:listId/bulk' })
    .map((r) => ({ method: r.method, parts: (r.requestBody as { requests: unknown[] }).requests }));
}

describe('sap-b1-projects-to-concur-list', async () => {
  const env = await demoEnvironment({ b1: { seed: { Projects: MORE_PROJECTS } } });
  const project = (code: string): Record<string, unknown> => env.b1.state.Projects.get(code)!;

  it('first run: creates the active projects the list lacks, adopts the ones it has, leaves closed ones out', async () => {
    const { result, report } = await runPipeline(env);
    expect(result.code, result.stderr).toBe(0);
    const items = projectsList(env);
    const active = [...env.b1.state.Projects.values()].filter((p) => p.Active === 'tYES');
    expect(active).toHaveLength(46);
    for (const p of active)
      expect(items.get(String(p.Code))).toEqual({ code: p.Code, value: p.Name, isDeleted: false });
    for (const closed of ['P1027', 'P1028', 'P1029', 'P1030']) expect(items.has(closed)).toBe(false);
    expect(items.size).toBe(46);
    expect(report.plan?.counts).toMatchObject({ create: 26, update: 0, delete: 0, noop: 20, attention: 0 });
    // one bulk create of 26 parts; the 20 items already in the list are adopted without a write
    expect(bulkWrites(env)).toEqual([{ method: 'POST', parts: expect.any(Array) as unknown[] }]);
    expect(bulkWrites(env)[0]!.parts).toHaveLength(26);
  });

  it('second run changes nothing and writes nothing', async () => {
    env.concur.clearLog();
    const { result, report } = await runPipeline(env);
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 0, update: 0, delete: 0, noop: 46, attention: 0 });
    expect(bulkWrites(env)).toEqual([]);
    const plan = await sluice(env, ['plan', PIPELINE_FILE, '--detailed-exitcode']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  });

  it('a renamed project is exactly one update', async () => {
    project('P1005').Name = 'Oscilloscope Gen Five';
    env.concur.clearLog();
    const { result, report } = await runPipeline(env);
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 0, update: 1, delete: 0 });
    expect(report.apply).toMatchObject({ updated: 1, created: 0, deleted: 0, failed: 0 });
    expect(bulkWrites(env)).toEqual([{ method: 'PATCH', parts: [{ code: 'P1005', value: 'Oscilloscope Gen Five' }] }]);
    expect(projectsList(env).get('P1005')).toEqual({ code: 'P1005', value: 'Oscilloscope Gen Five', isDeleted: false });
  });

  it('a project code with a hyphen goes to attention with the reason; the other new project is created', async () => {
    env.b1.state.Projects.set('P-1099', {
      Code: 'P-1099',
      Name: 'Hyphenated Code',
      ValidFrom: '2024-01-01',
      ValidTo: null,
      Active: 'tYES',
    });
    env.b1.state.Projects.set('P1098', {
      Code: 'P1098',
      Name: 'Metrology Lab Move',
      ValidFrom: '2024-01-01',
      ValidTo: null,
      Active: 'tYES',
    });
    const { result, report } = await runPipeline(env);
    expect(result.code).toBe(3);
    expect(report.attention.count).toBe(1);
    expect(report.attention.sample[0]).toMatchObject({ sourceKey: 'P-1099', code: 'CHECK_FAILED' });
    expect(report.attention.sample[0]!.message).toContain('list item code "P-1099" contains a hyphen');
    const items = projectsList(env);
    expect(items.get('P1098')).toEqual({ code: 'P1098', value: 'Metrology Lab Move', isDeleted: false });
    expect([...items.keys()].filter((c) => c.includes('1099'))).toEqual([]);
    const list = await sluice(env, ['attention', 'list', PIPELINE, '--json']);
    expect(list.stdout).toContain('P-1099');
    env.b1.state.Projects.delete('P-1099'); // renamed in SAP
  });

  it('a closed and a deleted project are deactivated, not deleted; a reopened one comes back', async () => {
    project('P1021').Active = 'tNO';
    env.b1.state.Projects.delete('P1022');
    env.concur.clearLog();
    const { result, report } = await runPipeline(env);
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 0, update: 0, delete: 2 });
    let items = projectsList(env);
    expect(items.get('P1021')).toMatchObject({ isDeleted: true });
    expect(items.get('P1022')).toMatchObject({ isDeleted: true });
    expect(items.get('P1023')).toMatchObject({ isDeleted: false });
    expect(env.concur.count({ method: 'DELETE' })).toBe(0);
    expect(bulkWrites(env)).toEqual([
      {
        method: 'PATCH',
        parts: [
          { code: 'P1021', deleted: true },
          { code: 'P1022', deleted: true },
        ],
      },
    ]);

    // the next run leaves the deactivated items alone
    const again = await runPipeline(env);
    expect(again.report.plan?.counts).toMatchObject({ create: 0, update: 0, delete: 0 });

    project('P1021').Active = 'tYES';
    const reopened = await runPipeline(env);
    expect(reopened.report.plan?.counts).toMatchObject({ update: 1 });
    items = projectsList(env);
    expect(items.get('P1021')).toMatchObject({ isDeleted: false, value: 'Office Consolidation' });
  });

  it('a mass closure above the threshold is refused with nothing deactivated; an explicit override applies it', async () => {
    const closing = ['P1031', 'P1032', 'P1033', 'P1034', 'P1035', 'P1036'];
    for (const code of closing) project(code).Active = 'tNO';
    env.concur.clearLog();
    const { result, report } = await runPipeline(env);
    expect(result.code).toBe(3);
    expect(report.plan?.guard).toMatchObject({ blocked: true });
    expect(report.attention.sample.map((a) => a.code)).toContain('MIRROR_GUARD');
    expect(bulkWrites(env)).toEqual([]);
    const items = projectsList(env);
    for (const code of closing) expect(items.get(code)).toMatchObject({ isDeleted: false });

    const forced = await runPipeline(env, ['--max-delete-percent', '50']);
    expect(forced.result.code, forced.result.stderr).toBe(0);
    const after = projectsList(env);
    for (const code of closing) expect(after.get(code)).toMatchObject({ isDeleted: true });
  });
});
