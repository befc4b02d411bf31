/** Attention entries and the integration log as text for a terminal. */
import { isTargetRefusal, type AttentionEntry } from '../../engine/state/attention.js';
import type { LogEntry } from '../../engine/state/log.js';
import { plural } from './ops-common.js';

function keyOf(e: { sourceKey: string; dedupeKey?: string | null | undefined }): string {
  return `${e.sourceKey}${e.dedupeKey && e.dedupeKey !== e.sourceKey ? ` (key ${e.dedupeKey})` : ''}`;
}

function waits(e: AttentionEntry): string {
  if (e.status === 'resolved')
    return e.resolution ? `resolved by ${e.resolution.by} at ${e.resolution.at}: ${e.resolution.reason}` : 'resolved';
  if (e.status === 'resync') return 'marked for re-sync: the next run processes it again';
  if (e.retryAfter && isTargetRefusal(e))
    return `refused by the target: sent again at once when its source record, the pipeline or its lookups change, else by the first run after ${e.retryAfter} whose source returns it; now: sluice resync ${e.pipeline} --key ${e.sourceKey}`;
  if (e.retryAfter) return `transient: the next run after ${e.retryAfter} retries it`;
  if (e.stage === 'in-doubt') return 'in doubt: the first run after its commit window settles it';
  return 'waits for a fix, then: sluice resync <pipeline> --key ' + e.sourceKey;
}

export function formatAttentionList(entries: readonly AttentionEntry[]): string {
  if (entries.length === 0) return 'nothing needs attention\n';
  const lines: string[] = [];
  for (const e of entries) {
    lines.push(
      `#${e.id}  ${e.pipeline}  ${keyOf(e)}  ${e.reasonClass}  ${e.stage}/${e.code}  ${e.status}  ${plural(e.occurrences, 'attempt')}  last ${e.lastSeen}`,
      `    ${e.message}`,
      `    ${waits(e)}`,
    );
  }
  const byClass = new Map<string, number>();
  for (const e of entries) byClass.set(e.reasonClass, (byClass.get(e.reasonClass) ?? 0) + 1);
  const classes = [...byClass].map(([c, n]) => `${n} ${c}`).join(', ');
  lines.push(
    `${plural(entries.length, 'entry', 'entries')} (${classes}); details: sluice attention show <id>; re-sync: sluice resync <pipeline> --key K | --failed`,
  );
  return lines.join('\n') + '\n';
}

export function formatAttentionDetail(e: AttentionEntry, history: readonly LogEntry[]): string {
  const lines = [
    `attention entry #${e.id} of pipeline ${e.pipeline}`,
    `  record        ${keyOf(e)}`,
    `  reason class  ${e.reasonClass}`,
    `  code          ${e.stage}/${e.code}`,
    `  message       ${e.message}`,
    `  status        ${e.status}: ${waits(e)}`,
    `  attempts      ${e.occurrences}`,
    `  first seen    ${e.firstSeen} (run ${e.firstRunId})`,
    `  last seen     ${e.lastSeen} (run ${e.runId})`,
  ];
  if (history.length > 0) {
    lines.push('  history (newest first):');
    for (const h of history) lines.push(`    ${formatLogLine(h)}`);
  }
  return lines.join('\n') + '\n';
}

export function formatLogLine(e: LogEntry): string {
  const parts = [e.at, e.runId ? `run ${e.runId}` : 'by hand', e.trigger, keyOf(e), `${e.op} → ${e.outcome}`];
  if (e.targetId) parts.push(`target ${e.targetId}`);
  if (e.payloadHash) parts.push(`payload ${e.payloadHash.slice(0, 12)}`);
  if (e.code) parts.push(`${e.reasonClass ?? ''}/${e.code}`);
  let line = parts.join('  ');
  if (e.message) line += `\n      ${e.message}`;
  for (const c of e.changes ?? [])
    line += `\n      ${c.path}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`;
  return line;
}

export function formatLog(entries: readonly LogEntry[], truncated: boolean, empty: string): string {
  if (entries.length === 0) return `${empty}\n`;
  const out = entries.map(formatLogLine);
  if (truncated) out.push(`… more rows: raise --limit`);
  return out.join('\n') + '\n';
}
