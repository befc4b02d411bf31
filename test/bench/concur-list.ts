/**
 * Concur list economy: the Concur emulator (in this process, on loopback) with a flat list, and a
 * file → Concur `list-items` pipeline in mirror mode run as a child three times — the initial load
 * of N items, then 37 renames and 5 closures (deactivations), then an unchanged rerun. The calls of
 * each run come from the emulator's request counters and are compared with the minimum.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startConcurEmulator, type ConcurEmulator } from '../../connectors/concur/emulator/index.js';
import type { BenchOptions } from './args.js';
import { figure, type Figure } from './figures.js';
import { checkExit, measure, sluiceArgv, type MeasureContext } from './measure.js';
import { readReport } from './report-json.js';
import { minimumListCalls } from './stats.js';

const LIST = 'Bench Items';
const RENAMES = 37;
const CLOSURES = 5;

export interface ListRun {
  step: 'load' | 'changed' | 'unchanged';
  calls: number;
  tokenCalls: number;
  minimum: number;
  byRoute: Record<string, number>;
  wallMs: number;
  maxRssMb?: number;
  counts?: Record<string, number>;
}

function seedList(emu: { state: ConcurEmulator['state'] }): void {
  emu.state.lists.set('b0000000-0000-4000-8000-000000000001', {
    id: 'b0000000-0000-4000-8000-000000000001',
    value: LIST,
    levelCount: 1,
    searchCriteria: 'TEXT',
    displayFormat: '(CODE) TEXT',
    category: { id: 'b0000000-0000-4000-8000-000000000002', type: 'Normal' },
    isReadOnly: false,
    isDeleted: false,
  });
}

/** Items `B00001..`; `renamed` get a new name, `closed` are left out of the source. */
async function writeItems(path: string, n: number, changed: { renamed: Set<number>; closed: Set<number> }) {
  const out = createWriteStream(path);
  for (let i = 0; i < n; i++) {
    if (changed.closed.has(i)) continue;
    const name = `Bench item ${i}${changed.renamed.has(i) ? ' renamed' : ''}`;
    if (!out.write(JSON.stringify({ code: `B${String(i).padStart(6, '0')}`, name }) + '\n')) await once(out, 'drain');
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

function spread(n: number, count: number, offset: number): Set<number> {
  const step = Math.max(1, Math.floor(n / count));
  return new Set(Array.from({ length: count }, (_, i) => (i * step + offset) % n));
}

export async function concurListPhase(
  opts: BenchOptions,
  ctx: MeasureContext,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; runs: ListRun[] }> {
  const n = opts.listItems;
  const emu = await startConcurEmulator({ logBodies: false, seed: (state) => seedList({ state }) });
  const dir = mkdtempSync(join(ctx.scratch, 'concur-'));
  try {
    const c = emu.credentials;
    writeFileSync(
      join(dir, 'connections.yaml'),
      stringify({
        connections: {
          files: { connector: 'file' },
          concur: {
            connector: 'concur',
            authUrl: emu.tokenUrl,
            clientId: c.clientId,
            clientSecret: '${env:CONCUR_CLIENT_SECRET}',
            companyUuid: c.companyUuid,
            requestToken: '${env:CONCUR_REQUEST_TOKEN}',
            retry: { attempts: 5, baseDelayMs: 20, maxDelayMs: 200 },
          },
        },
      }),
    );
    const pipeline = join(dir, 'list.yaml');
    writeFileSync(
      pipeline,
      stringify({
        version: 1,
        name: 'bench-concur-list',
        source: { connection: 'files', resource: 'records', options: { path: 'items.jsonl' }, key: 'code' },
        transform: '{ "code": code, "shortCode": code, "value": name }',
        target: {
          connection: 'concur',
          resource: 'list-items',
          options: { list: LIST },
          mode: 'mirror',
          key: 'code',
          deletes: { action: 'deactivate', maxPercent: 10 },
        },
      }),
    );
    const env = { CONCUR_CLIENT_SECRET: c.clientSecret, CONCUR_REQUEST_TOKEN: c.requestToken };
    const argv = sluiceArgv(
      'run',
      pipeline,
      '--json',
      '--no-progress',
      '--log-level',
      'warn',
      '--state',
      `sqlite:${join(dir, 'state.db')}`,
    );
    const runs: ListRun[] = [];
    const step = async (name: ListRun['step'], minimum: number): Promise<void> => {
      emu.clearLog();
      const m = await measure(ctx, argv, { cwd: dir, env });
      checkExit(`Concur list ${name} run`, m);
      const byRoute = emu.counters();
      const tokenCalls = Object.entries(byRoute)
        .filter(([route]) => route.includes('/oauth2/'))
        .reduce((sum, [, v]) => sum + v, 0);
      const calls = Object.values(byRoute).reduce((a, b) => a + b, 0) - tokenCalls;
      const counts = readReport(m).plan?.counts;
      runs.push({ step: name, calls, tokenCalls, minimum, byRoute, wallMs: m.wallMs, maxRssMb: m.maxRssMb, counts });
      log(`  ${name}: ${calls} calls (minimum ${minimum}), ${(m.wallMs / 1000).toFixed(2)} s`);
    };
    const none = { renamed: new Set<number>(), closed: new Set<number>() };
    await writeItems(join(dir, 'items.jsonl'), n, none);
    await step('load', minimumListCalls({ itemsBefore: 0, creates: n, changes: 0 }));
    const changed = { renamed: spread(n, RENAMES, 3), closed: spread(n, CLOSURES, 7) };
    await writeItems(join(dir, 'items.jsonl'), n, changed);
    await step('changed', minimumListCalls({ itemsBefore: n, creates: 0, changes: RENAMES + CLOSURES }));
    await step('unchanged', minimumListCalls({ itemsBefore: n, creates: 0, changes: 0 }));
    return { figures: listFigures(n, runs), runs };
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function listFigures(n: number, runs: readonly ListRun[]): Figure[] {
  const label: Record<ListRun['step'], string> = {
    load: `Concur list calls, load of ${n} items`,
    changed: `Concur list calls, ${RENAMES} renames + ${CLOSURES} closures of ${n}`,
    unchanged: `Concur list calls, unchanged ${n}`,
  };
  return runs.map((r) =>
    figure({
      id: `concur_list_${r.step}_calls`,
      label: label[r.step],
      value: r.calls,
      unit: 'calls',
      target: { op: '<=', limit: r.minimum },
      detail: `minimum ${r.minimum}; ${Object.entries(r.byRoute)
        .filter(([route]) => !route.includes('/oauth2/'))
        .map(([route, count]) => `${route} ${count}`)
        .join(', ')}; +${r.tokenCalls} token; ${(r.wallMs / 1000).toFixed(1)} s`,
    }),
  );
}
