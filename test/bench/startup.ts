/**
 * Start-up: rounds of `node -e 0`, `sluice --help` and `sluice validate pipelines/` in turn (after
 * one unmeasured warm-up of each), from the repository root; ratios of the medians to `node -e 0`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './args.js';
import { figure, type Figure } from './figures.js';
import { measure, REPO, sluiceArgv, type MeasureContext } from './measure.js';
import { medianOf, ratio } from './stats.js';

export type StartupKind = 'node' | 'help' | 'validate';

export interface StartupSample {
  kind: StartupKind;
  wallMs: number;
  cpuMs?: number;
  maxRssMb?: number;
  code: number | null;
}

const COMMANDS: Record<StartupKind, () => string[]> = {
  node: () => ['-e', '0'],
  help: () => sluiceArgv('--help'),
  validate: () => sluiceArgv('validate', 'pipelines/'),
};

/**
 * Placeholder values for the `${env:NAME}` references of pipelines/connections.yaml, so validate
 * checks everything instead of stopping at unset variables (a UUID where the name says so).
 */
export function placeholderEnv(connectionsYaml: string): Record<string, string> {
  const names = [...connectionsYaml.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
  return Object.fromEntries(
    names.map((name) => [name, /UUID/i.test(name) ? '00000000-0000-4000-8000-000000000000' : 'bench-placeholder']),
  );
}

export async function startupPhase(
  opts: BenchOptions,
  ctx: MeasureContext,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; samples: StartupSample[] }> {
  const kinds = Object.keys(COMMANDS) as StartupKind[];
  const env = placeholderEnv(readFileSync(join(REPO, 'pipelines', 'connections.yaml'), 'utf8'));
  const options = { cwd: REPO, env };
  for (const kind of kinds) await measure(ctx, COMMANDS[kind](), options);
  const samples: StartupSample[] = [];
  for (let round = 1; round <= opts.startupSamples; round++) {
    for (const kind of kinds) {
      const m = await measure(ctx, COMMANDS[kind](), options);
      samples.push({ kind, wallMs: m.wallMs, cpuMs: m.cpuMs, maxRssMb: m.maxRssMb, code: m.code });
    }
    log(
      `  round ${round}: ${samples
        .slice(-kinds.length)
        .map((s) => `${s.kind} ${s.wallMs.toFixed(0)} ms`)
        .join(', ')}`,
    );
  }
  return { figures: startupFigures(samples), samples };
}

export function startupFigures(samples: readonly StartupSample[]): Figure[] {
  const of = (k: StartupKind) => samples.filter((s) => s.kind === k);
  const wall = (k: StartupKind) => medianOf(of(k).map((s) => s.wallMs));
  const cpu = (k: StartupKind) => medianOf(of(k).map((s) => s.cpuMs));
  const exits = (k: StartupKind): string => {
    const codes = [...new Set(of(k).map((s) => s.code))];
    return codes.length === 1 && codes[0] === 0 ? '' : `; exit ${codes.join('/')}`;
  };
  const detail = (k: StartupKind): string =>
    `medians of ${of(k).length}: ${wall(k)?.toFixed(0) ?? '?'} ms vs node -e 0 ${wall('node')?.toFixed(0) ?? '?'} ms; cpu ${ratio(cpu(k), cpu('node'))?.toFixed(2) ?? '?'}x${exits(k)}`;
  return [
    figure({
      id: 'startup_help_vs_node',
      label: 'sluice --help / node -e 0, time',
      value: ratio(wall('help'), wall('node')),
      unit: 'x',
      target: { op: '<=', limit: 3 },
      detail: detail('help'),
    }),
    figure({
      id: 'startup_validate_vs_node',
      label: 'sluice validate pipelines/ / node -e 0, time',
      value: ratio(wall('validate'), wall('node')),
      unit: 'x',
      target: { op: '<=', limit: 5 },
      detail: detail('validate'),
    }),
  ];
}
