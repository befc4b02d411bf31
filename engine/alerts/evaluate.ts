/**
 * Decides, after a run or on a periodic check, which alert conditions of a pipeline hold, records
 * each in the state store and notifies the webhooks of those that changed (at most once per change,
 * across every process sharing the store). A notification that cannot be delivered is undone in the
 * store, so the next evaluation tries again; a webhook problem never fails the run.
 */
import type { AlertRule } from '../config/alerts.js';
import type { LoadedPipeline } from '../config/pipeline.js';
import { alertRules } from '../config/alerts.js';
import { resolveString } from '../config/refs.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { RunReport } from '../run/report.js';
import type { AlertCondition } from '../state/alert-state.js';
import type { StateStore } from '../state/store.js';
import { alertPayload, type AlertEvent } from './payload.js';
import { postJson, type PostJson } from './webhook.js';

/** The rules that apply to a pipeline: those of its connections file, then its own. */
export function pipelineAlertRules(p: LoadedPipeline): AlertRule[] {
  return [...p.connections.alerts, ...alertRules(p.spec.alerts, 'pipeline', p.path, p.dir)];
}

export interface EvaluateOptions {
  pipeline: string;
  rules: readonly AlertRule[];
  state: StateStore;
  clock: Clock;
  logger: Logger;
  /** The run just finished; without it only attention and staleness are evaluated. */
  report?: RunReport;
  /** Where staleness counts from when the pipeline never succeeded (e.g. when the scheduler started). */
  since?: number;
  env?: NodeJS.ProcessEnv;
  post?: PostJson;
  timeoutMs?: number;
}

/** Whether the run says the pipeline failed: undefined when it says nothing (a plan, an interruption, a lease held elsewhere). */
function failedNow(report: RunReport | undefined): boolean | undefined {
  if (!report || report.command === 'plan') return undefined;
  if (report.status === 'failed') return report.error?.code === 'LEASE_HELD' ? undefined : true;
  if (report.status === 'succeeded' || report.status === 'attention') return false;
  return undefined;
}

export async function evaluateAlerts(o: EvaluateOptions): Promise<number> {
  if (o.rules.length === 0) return 0;
  const now = o.clock.now();
  const at = new Date(now).toISOString();
  const failed = failedNow(o.report);
  const needsAttention = o.rules.some((r) => r.attentionAbove !== undefined);
  const needsStale = o.rules.some((r) => r.noSuccessWithinMs !== undefined);
  const byClass = needsAttention ? await o.state.attentionByClass(o.pipeline) : {};
  const attentionCount = Object.values(byClass).reduce((a, b) => a + b, 0);
  const lastSuccess = needsStale ? await o.state.runLastSuccess(o.pipeline) : undefined;
  const since = lastSuccess !== undefined ? Date.parse(lastSuccess) : o.since;
  const runId = o.report?.runId;
  let sent = 0;
  for (const rule of o.rules) {
    const conditions: [AlertCondition, boolean | undefined, Partial<AlertEvent>][] = [
      [
        'failed',
        rule.failed ? failed : undefined,
        o.report
          ? {
              run: {
                id: o.report.runId,
                status: o.report.status,
                ...(o.report.error && { error: o.report.error }),
              },
            }
          : {},
      ],
      [
        'attention',
        rule.attentionAbove !== undefined ? attentionCount > rule.attentionAbove : undefined,
        { attention: { count: attentionCount, above: rule.attentionAbove ?? 0, byClass } },
      ],
      [
        'stale',
        rule.noSuccessWithinMs !== undefined && since !== undefined ? now - since > rule.noSuccessWithinMs : undefined,
        {
          lastSuccessAt: lastSuccess ?? null,
          ...(rule.noSuccessWithinMs !== undefined && { windowMs: rule.noSuccessWithinMs }),
        },
      ],
    ];
    for (const [condition, active, details] of conditions) {
      if (active === undefined) continue;
      const key = { pipeline: o.pipeline, rule: rule.id, condition };
      if (!(await o.state.alertTransition(key, active, runId))) continue;
      const event: AlertEvent = {
        pipeline: o.pipeline,
        condition,
        state: active ? 'firing' : 'resolved',
        alert: rule.label,
        at,
        ...details,
      };
      if (await deliver(o, rule, event)) sent++;
      else await o.state.alertRevert(key, active);
    }
  }
  return sent;
}

async function deliver(o: EvaluateOptions, rule: AlertRule, event: AlertEvent): Promise<boolean> {
  const log = { alert: rule.label, condition: event.condition, state: event.state };
  let url: string;
  try {
    url = resolveString(rule.webhook, rule.baseDir, o.env ?? process.env);
  } catch (err) {
    o.logger.warn(
      { ...log, problem: (err as Error).message },
      'alert not sent: its webhook reference does not resolve',
    );
    return false;
  }
  const result = await (o.post ?? postJson)(url, alertPayload(event, rule.format), o.timeoutMs ?? 10_000);
  if (result.ok) o.logger.info(log, `alert sent: ${event.condition} ${event.state}`);
  else
    o.logger.warn({ ...log, problem: result.problem }, 'alert not delivered; it is tried again at the next evaluation');
  return result.ok;
}
