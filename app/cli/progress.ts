/** A progress bar on stderr while a long read or write runs, only when stderr is a TTY. */
import { createRequire } from 'node:module';
import type { ApplyCounts } from '../../engine/apply/applier.js';
import type { PlanCounts } from '../../engine/plan/types.js';

export interface ProgressHooks {
  onPlanProgress?(counts: PlanCounts): void;
  onApplyProgress?(counts: ApplyCounts): void;
  stop(): void;
}

/** cli-progress is loaded only when a bar is shown (stderr is a TTY), not in cron/CI/Kubernetes runs. */
const requireLazy = createRequire(import.meta.url);

export function progressHooks(stream: NodeJS.WritableStream, enabled: boolean): ProgressHooks {
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  if (!enabled || !tty) return { stop: () => undefined };
  const cliProgress = requireLazy('cli-progress') as typeof import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: '{phase} {value} records | {detail}',
      hideCursor: true,
      clearOnComplete: true,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const start = (): void => {
    if (!started) bar.start(0, 0, { phase: 'read', detail: '' });
    started = true;
  };
  return {
    onPlanProgress(c) {
      start();
      bar.update(c.read, {
        phase: 'read ',
        detail: `create ${c.create} update ${c.update} noop ${c.noop} attention ${c.attention}`,
      });
    },
    onApplyProgress(c) {
      start();
      bar.update(c.created + c.updated + c.deleted, {
        phase: 'write',
        detail: `failed ${c.failed} retries ${c.retries}`,
      });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
