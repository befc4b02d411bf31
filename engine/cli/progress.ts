/**
 * A progress bar on stderr while a long read or write runs, only when stderr is a TTY. Reading
 * counts records (a source does not say how many it holds); writing knows the plan's total and
 * shows a bar, the percentage and an ETA.
 */
import cliProgress from 'cli-progress';
import type { ApplyCounts } from '../apply/applier.js';
import type { PlanCounts } from '../plan/types.js';

export interface ProgressHooks {
  onPlanProgress?(counts: PlanCounts): void;
  onApplyStart?(total: number): void;
  onApplyProgress?(counts: ApplyCounts): void;
  stop(): void;
}

const num = (n: number): string => n.toLocaleString('en-US');

/** Seconds as `1h02m`, `3m05s`, `12s`; unknown while nothing has been measured. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '…';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** One line of progress: `write [████░░░░] 40% 4,000/10,000 ETA 12s | failed 0 retries 0`. */
export function progressLine(
  phase: string,
  value: number,
  total: number,
  etaSeconds: number,
  detail: string,
  barSize = 24,
): string {
  if (total <= 0) return `${phase} ${num(value)} records | ${detail}`;
  const ratio = Math.min(1, value / total);
  const filled = Math.round(ratio * barSize);
  const bar = '\u2588'.repeat(filled) + '\u2591'.repeat(barSize - filled);
  return `${phase} [${bar}] ${Math.floor(ratio * 100)}% ${num(value)}/${num(total)} ETA ${formatEta(etaSeconds)} | ${detail}`;
}

export function progressHooks(stream: NodeJS.WritableStream, enabled: boolean): ProgressHooks {
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  if (!enabled || !tty) return { stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: (_options, params, payload: { phase?: string; detail?: string }) =>
        progressLine(payload.phase ?? 'read ', params.value, params.total, params.eta, payload.detail ?? ''),
      hideCursor: true,
      clearOnComplete: true,
      noTTYOutput: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const start = (total = 0): void => {
    if (!started) bar.start(total, 0, { phase: 'read ', detail: '' });
    started = true;
  };
  return {
    onPlanProgress(c) {
      start();
      bar.update(c.read, {
        phase: 'read ',
        detail: `create ${num(c.create)} update ${num(c.update)} noop ${num(c.noop)} attention ${num(c.attention)}`,
      });
    },
    onApplyStart(total) {
      if (started) bar.stop();
      started = false;
      start(total);
      bar.update(0, { phase: 'write', detail: '' });
    },
    onApplyProgress(c) {
      start();
      bar.update(c.created + c.updated + c.deleted + c.failed + c.inDoubt + c.recovered, {
        phase: 'write',
        detail: `failed ${num(c.failed)} retries ${num(c.retries)}`,
      });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
