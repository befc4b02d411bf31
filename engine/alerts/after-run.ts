/** The session hook that evaluates a pipeline's alerts once its run report is recorded (`sluice run`, `apply`, the scheduler). */
import type { FinishedRun } from '../run/session.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { evaluateAlerts, pipelineAlertRules } from './evaluate.js';
import type { PostJson } from './webhook.js';

export interface AlertHookOptions {
  logger: Logger;
  clock: Clock;
  env?: NodeJS.ProcessEnv;
  post?: PostJson;
  /** Where staleness counts from when the pipeline never succeeded. */
  since?: number;
}

export function alertsAfterRun(o: AlertHookOptions): (f: FinishedRun) => Promise<void> {
  return async ({ report, pipeline, state }) => {
    if (report.command === 'plan') return;
    const rules = pipelineAlertRules(pipeline);
    if (rules.length === 0) return;
    await evaluateAlerts({
      pipeline: report.pipeline,
      rules,
      state,
      clock: o.clock,
      logger: o.logger.child({ runId: report.runId, pipeline: report.pipeline }),
      report,
      ...(o.since !== undefined && { since: o.since }),
      ...(o.env && { env: o.env }),
      ...(o.post && { post: o.post }),
    });
  };
}
