/** `sluice runs` as text: one line per run, saying why a run is interrupted, abandoned or probably dead. */
import { processGone } from '../../engine/state/process.js';
import type { AbandonedReport, RunRow } from '../../engine/state/runs.js';

function abandonedNote(r: RunRow): string {
  const a = (r.report as Partial<AbandonedReport> | null)?.abandoned;
  if (!a) return 'abandoned: left running by a process that died';
  const why =
    a.reason === 'process-gone'
      ? `its process ${r.pid ?? '?'} on ${r.host ?? '?'} is gone`
      : `it no longer held the lease (process ${r.pid ?? '?'} on ${r.host ?? '?'})`;
  return `abandoned: ${why}; found by run ${a.by} at ${a.at}`;
}

function note(r: RunRow): string | undefined {
  if (r.status === 'abandoned') return abandonedNote(r);
  if (r.status === 'interrupted') {
    const message = (r.report as { error?: { message?: string } } | null)?.error?.message;
    return `interrupted${message ? `: ${message}` : ''}`;
  }
  if (r.status === 'running' && processGone(r.host, r.pid))
    return `its process ${r.pid} on this host is gone: the next run of ${r.pipeline} marks it abandoned`;
  return undefined;
}

export function formatRuns(runs: readonly RunRow[]): string {
  if (runs.length === 0) return 'no runs\n';
  let text = '';
  for (const r of runs) {
    const n = note(r);
    text += `${r.startedAt}  ${r.pipeline}  ${r.command}  ${r.status}  exit ${r.exitCode ?? '-'}  ${r.id}${n ? `  (${n})` : ''}\n`;
  }
  const abandoned = runs.filter((r) => r.status === 'abandoned');
  if (abandoned.length > 0)
    text += `${abandoned.length} run${abandoned.length === 1 ? ' was' : 's were'} abandoned (left running by a process that died): ${abandoned.map((r) => r.id).join(', ')}; the next run of a pipeline settles first what such a run left in doubt\n`;
  return text;
}
