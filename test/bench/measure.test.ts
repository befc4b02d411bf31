import { describe, expect, it } from 'vitest';
import { parseTimeOutput } from './measure.js';
import { placeholderEnv, startupFigures } from './startup.js';
import { throughputFigures, type Sample } from './throughput.js';

describe('parseTimeOutput', () => {
  it('reads peak RSS (KB) and user + system seconds from the last line GNU time wrote', () => {
    expect(parseTimeOutput('181234 1.50 0.25\n')).toEqual({ maxRssKb: 181234, cpuMs: 1750 });
    const failed = parseTimeOutput('Command exited with non-zero status 3\n2048 0.10 0.02\n');
    expect(failed?.maxRssKb).toBe(2048);
    expect(failed?.cpuMs).toBeCloseTo(120);
  });
  it('answers undefined for what it cannot read', () => {
    expect(parseTimeOutput('')).toBeUndefined();
    expect(parseTimeOutput('Command terminated by signal 9')).toBeUndefined();
  });
});

describe('placeholderEnv', () => {
  it('gives every ${env:NAME} of a connections file a value, a UUID where the name says so', () => {
    const yaml = 'a: ${env:CONCUR_CLIENT_ID}\nb: ${env:CONCUR_COMPANY_UUID}\nc: mysql://u:${env:DB_PASSWORD}@h/db\n';
    expect(placeholderEnv(yaml)).toEqual({
      CONCUR_CLIENT_ID: 'bench-placeholder',
      CONCUR_COMPANY_UUID: '00000000-0000-4000-8000-000000000000',
      DB_PASSWORD: 'bench-placeholder',
    });
  });
});

describe('figures from samples', () => {
  const s = (kind: Sample['kind'], round: number, wallMs: number, cpuMs: number): Sample => ({
    kind,
    round,
    wallMs,
    cpuMs,
    maxRssMb: 100,
  });

  it('throughput ratios are ratios of medians, so one slow sample does not move them', () => {
    const samples = [
      ...[1, 2, 3].map((r) => s('bare', r, r === 2 ? 9000 : 800, 700)),
      ...[1, 2, 3].map((r) => s('first', r, 1000, 1000)),
      ...[1, 2, 3].map((r) => s('unchanged', r, r === 3 ? 100 : 250, 200)),
      ...[1, 2, 3].map((r) => s('changed', r, 400, 300)),
    ];
    const byId = Object.fromEntries(throughputFigures(1000, samples).map((f) => [f.id, f]));
    expect(byId.first_vs_bare).toMatchObject({ value: 0.8, verdict: 'pass' });
    expect(byId.rerun_unchanged_vs_first).toMatchObject({ value: 0.25, verdict: 'pass' });
    expect(byId.changed_1pct_vs_first).toMatchObject({ value: 0.4, verdict: 'fail' });
    expect(byId.first_vs_bare!.detail).toContain('cpu 0.70x');
  });

  it('start-up ratios divide by node -e 0 and say when a command did not exit 0', () => {
    const samples = [
      { kind: 'node' as const, wallMs: 40, cpuMs: 30, code: 0 },
      { kind: 'help' as const, wallMs: 100, cpuMs: 90, code: 0 },
      { kind: 'validate' as const, wallMs: 300, cpuMs: 240, code: 2 },
    ];
    const [help, validate] = startupFigures(samples);
    expect(help).toMatchObject({ value: 2.5, verdict: 'pass' });
    expect(validate).toMatchObject({ value: 7.5, verdict: 'fail' });
    expect(validate!.detail).toContain('exit 2');
  });
});
