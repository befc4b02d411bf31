/**
 * The pipelines of a directory: every `*.yaml` / `*.yml` at its top level except test files
 * (`*.test.yaml`) and the connections file, loaded and checked as `sluice validate` does. Valid ones
 * with a schedule are scheduled; invalid ones are reported (and retried when their file changes).
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONNECTIONS_FILE } from '../config/connections.js';
import type { Diagnostic } from '../config/diagnostics.js';
import { loadPipeline } from '../config/pipeline.js';
import type { Registry } from '../connector/registry.js';
import type { ScheduledPipeline } from './scheduler.js';
import type { AlertRule } from '../config/alerts.js';
import { pipelineAlertRules } from '../alerts/evaluate.js';

export interface Discovered {
  /** With the alert rules that apply to each (its own and its connections file's). */
  scheduled: (ScheduledPipeline & { rules: AlertRule[] })[];
  /** Valid pipelines without a schedule (run them from cron or CI). */
  unscheduled: { path: string; name: string }[];
  invalid: { path: string; diagnostics: Diagnostic[] }[];
}

export function pipelineFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !/\.test\.ya?ml$/.test(e.name))
    .filter((e) => e.name !== CONNECTIONS_FILE && e.name !== 'connections.yml')
    .map((e) => join(resolve(dir), e.name))
    .sort();
}

export function discover(
  dir: string,
  o: { registry: Registry; connectionsPath?: string; env?: NodeJS.ProcessEnv },
): Discovered {
  const out: Discovered = { scheduled: [], unscheduled: [], invalid: [] };
  for (const path of pipelineFiles(dir)) {
    const r = loadPipeline(path, {
      registry: o.registry,
      ...(o.connectionsPath !== undefined && { connectionsPath: o.connectionsPath }),
      ...(o.env !== undefined && { env: o.env }),
    });
    if (!r.pipeline) {
      out.invalid.push({ path, diagnostics: r.diagnostics.filter((d) => d.severity === 'error') });
      continue;
    }
    const { spec, hash } = r.pipeline;
    if (!spec.schedule) out.unscheduled.push({ path, name: spec.name });
    else
      out.scheduled.push({
        path,
        name: spec.name,
        cron: spec.schedule.cron,
        timezone: spec.schedule.timezone ?? 'UTC',
        hash,
        rules: pipelineAlertRules(r.pipeline),
      });
  }
  return out;
}
