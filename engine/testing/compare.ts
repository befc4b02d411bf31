/** Expectation checks for pipeline tests, each failure a readable line (field paths, expected vs actual). */
import type { DataRecord } from '../connector/types.js';
import { diffRecords } from '../plan/diff.js';
import type { PlanAttention, PlanOp } from '../plan/types.js';
import type { ExpectedAttention, ExpectedOperation } from './types.js';

const show = (v: unknown): string => (v === undefined ? '(missing)' : JSON.stringify(v));

/** Records must match exactly: every expected field equal, and no extra fields in the actual record. */
export function compareRecords(expected: DataRecord[], actual: DataRecord[]): string[] {
  const out: string[] = [];
  if (expected.length !== actual.length)
    out.push(`records: expected ${expected.length} transformed record(s), got ${actual.length}`);
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const missing = diffRecords(expected[i]!, actual[i]!).map(
      (c) => `records[${i}].${c.path}: expected ${show(c.after)}, got ${show(c.before)}`,
    );
    const extra = diffRecords(actual[i]!, expected[i]!)
      .filter((c) => c.after !== undefined && c.before === undefined)
      .map((c) => `records[${i}].${c.path}: not expected, got ${show(c.after)}`);
    out.push(...missing, ...extra);
  }
  for (let i = n; i < actual.length; i++) out.push(`records[${i}]: unexpected ${show(actual[i])}`);
  return out;
}

export function compareOperations(expected: ExpectedOperation[], actual: PlanOp[]): string[] {
  const out: string[] = [];
  const fmt = (o: { op: string; key: string }): string => `${o.op} ${o.key}`;
  const exp = expected.map(fmt);
  const act = actual.map(fmt);
  if (exp.join('\n') !== act.join('\n')) {
    out.push(
      `operations differ:\n      expected: ${exp.join(', ') || '(none)'}\n      actual:   ${act.join(', ') || '(none)'}`,
    );
  }
  for (const e of expected) {
    if (!e.changes) continue;
    const a = actual.find((o) => o.key === e.key && o.op === e.op);
    const paths = (a && 'changes' in a ? (a.changes ?? []) : []).map((c) => c.path).sort();
    if (a && paths.join(',') !== [...e.changes].sort().join(','))
      out.push(`${e.op} ${e.key}: expected changes ${e.changes.join(', ')}, got ${paths.join(', ') || '(none)'}`);
  }
  return out;
}

export function compareAttention(expected: ExpectedAttention[], actual: PlanAttention[]): string[] {
  const out: string[] = [];
  const remaining = [...actual];
  for (const e of expected) {
    const i = remaining.findIndex(
      (a) =>
        a.sourceKey === e.sourceKey && (!e.code || a.code === e.code) && (!e.message || a.message.includes(e.message)),
    );
    if (i < 0) {
      const near = actual.filter((a) => a.sourceKey === e.sourceKey).map((a) => `${a.code}: ${a.message}`);
      out.push(
        `attention: expected ${e.sourceKey}${e.code ? ` ${e.code}` : ''}${e.message ? ` "${e.message}"` : ''}; ${near.length ? `got ${near.join(' | ')}` : 'none for that record'}`,
      );
    } else remaining.splice(i, 1);
  }
  for (const a of remaining) out.push(`attention: unexpected ${a.sourceKey} ${a.code}: ${a.message}`);
  return out;
}
