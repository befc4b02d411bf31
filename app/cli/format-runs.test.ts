import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { RunRow } from '../../engine/state/runs.js';
import { formatRuns } from './format-runs.js';

const GONE_PID = 2 ** 22 + 7;

function run(over: Partial<RunRow>): RunRow {
  return {
    id: 'r',
    pipeline: 'p',
    command: 'run',
    status: 'succeeded',
    startedAt: '2026-05-02T02:00:00.000Z',
    finishedAt: null,
    planHash: null,
    exitCode: 0,
    host: 'h1',
    pid: 10,
    pipelineHash: null,
    gitCommit: null,
    durationMs: null,
    report: null,
    ...over,
  };
}

describe('sluice runs output', () => {
  it('says which runs were abandoned and why, which were interrupted, and which look dead', () => {
    const text = formatRuns([
      run({ id: 'ok' }),
      run({
        id: 'gone',
        status: 'abandoned',
        exitCode: null,
        host: 'h1',
        pid: 4242,
        report: { abandoned: { reason: 'process-gone', by: 'next-run', at: '2026-05-02T03:00:00.000Z' } },
      }),
      run({
        id: 'elsewhere',
        status: 'abandoned',
        exitCode: null,
        host: 'h2',
        pid: 77,
        report: { abandoned: { reason: 'not-lease-holder', by: 'next-run', at: '2026-05-02T03:00:00.000Z' } },
      }),
      run({
        id: 'stopped',
        status: 'interrupted',
        exitCode: 1,
        report: { error: { code: 'INTERRUPTED', message: 'stopped by SIGTERM at a batch boundary' } },
      }),
      run({ id: 'dead', status: 'running', exitCode: null, host: hostname(), pid: GONE_PID }),
      run({ id: 'alive', status: 'running', exitCode: null, host: hostname(), pid: process.pid }),
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('2026-05-02T02:00:00.000Z  p  run  succeeded  exit 0  ok');
    expect(lines[1]).toBe(
      '2026-05-02T02:00:00.000Z  p  run  abandoned  exit -  gone  (abandoned: its process 4242 on h1 is gone; found by run next-run at 2026-05-02T03:00:00.000Z)',
    );
    expect(lines[2]).toContain(
      'abandoned  exit -  elsewhere  (abandoned: it no longer held the lease (process 77 on h2)',
    );
    expect(lines[3]).toContain('interrupted  exit 1  stopped  (interrupted: stopped by SIGTERM at a batch boundary)');
    expect(lines[4]).toContain(
      `running  exit -  dead  (its process ${GONE_PID} on this host is gone: the next run of p marks it abandoned)`,
    );
    expect(lines[5]).toMatch(/running {2}exit - {2}alive$/);
    expect(lines[6]).toBe(
      '2 runs were abandoned (left running by a process that died): gone, elsewhere; the next run of a pipeline settles first what such a run left in doubt',
    );
  });

  it('prints that there are no runs rather than nothing', () => {
    expect(formatRuns([])).toBe('no runs\n');
  });
});
