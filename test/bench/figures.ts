/** A benchmark figure (one row of the table, one entry of the JSON file) and its plain-text table. */
import { evaluate, type Target, type Verdict } from './stats.js';

export type Unit = 'x' | 'MB' | 'calls' | 'ms';

export interface Figure {
  /** Stable name in the JSON file, e.g. `rerun_unchanged_vs_first`. */
  id: string;
  label: string;
  value: number | undefined;
  unit: Unit;
  target?: Target;
  verdict: Verdict;
  /** What the value was made of: medians, sample counts, the CPU-time ratio. */
  detail?: string;
}

export function figure(f: Omit<Figure, 'verdict'>): Figure {
  return { ...f, verdict: evaluate(f.value, f.target) };
}

export function formatValue(value: number | undefined, unit: Unit): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'x':
      return `${value.toFixed(2)}x`;
    case 'MB':
      return `${value.toFixed(0)} MB`;
    case 'ms':
      return `${value.toFixed(0)} ms`;
    case 'calls':
      return String(Math.round(value));
  }
}

export function formatTarget(target: Target | undefined, unit: Unit): string {
  if (target === undefined) return '';
  return `${target.op} ${formatValue(target.limit, unit)}`;
}

/** A left-aligned text table; the header is underlined with dashes. */
export function formatTable(figures: readonly Figure[]): string {
  const header = ['measure', 'value', 'target', 'result', 'detail'];
  const rows = figures.map((f) => [
    f.label,
    formatValue(f.value, f.unit),
    formatTarget(f.target, f.unit),
    f.verdict === 'n/a' ? '' : f.verdict.toUpperCase(),
    f.detail ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `3 of 7 targets met` — the line under the table. */
export function summary(figures: readonly Figure[]): string {
  const checked = figures.filter((f) => f.verdict !== 'n/a');
  const passed = checked.filter((f) => f.verdict === 'pass').length;
  return `${passed} of ${checked.length} targets met`;
}
