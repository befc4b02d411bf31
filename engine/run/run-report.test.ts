/**
 * What a run leaves in the state store's run history (SQLite and MariaDB), through a real session
 * on a pipeline file committed in git: counts, duration, API calls per connection, the plan hash,
 * the pipeline file's sha256 and the git commit that last changed it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { createTestDatabase } from '../../test/helpers/mysql.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import type { RunReport } from './report.js';

const git = (dir: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
  }).trim();

const backends = [
  { name: 'sqlite', open: async () => ({ url: `sqlite:${tempDir()}/state.db`, drop: async () => {} }) },
  { name: 'mariadb', open: () => createTestDatabase('report') },
];

describe.each(backends)('the run report on $name', (backend) => {
  const h = memoryHarness(backend.open);

  it('stores counts, duration, API calls, plan hash, pipeline file hash and its git commit', async () => {
    const name = h.name('report');
    const p = writePipeline(h.dir, { name });
    git(h.dir, 'init', '-q');
    git(h.dir, 'add', '.');
    git(h.dir, 'commit', '-qm', 'the pipeline');
    const commit = git(h.dir, 'rev-parse', 'HEAD');
    const run = await session(h.state, { command: 'run', pipelinePath: p });
    expect(run.exitCode).toBe(0);

    const [row] = await h.state.runList(name, 1);
    const report = row!.report as RunReport;
    const sha = createHash('sha256').update(readFileSync(p)).digest('hex');
    expect(row).toMatchObject({
      id: run.report.runId,
      status: 'succeeded',
      exitCode: 0,
      planHash: run.report.planHash,
      pipelineHash: sha,
      gitCommit: commit,
      durationMs: report.durationMs,
    });
    expect(row!.planHash).toMatch(/^[0-9a-f]{64}$/);
    expect(report.durationMs).toBe(Date.parse(report.finishedAt) - Date.parse(report.startedAt));
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    expect(report.plan?.counts).toMatchObject({ read: 3, create: 3 });
    expect(report.apply).toMatchObject({ created: 3 });
    expect(report.pipelineFile).toEqual({ path: p, commit, modified: false });
    expect(report.apiCalls.dst?.apiCalls).toBeGreaterThan(0);
    expect(report.apiCalls.src?.apiCalls).toBeGreaterThan(0);
  });
});
