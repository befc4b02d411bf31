/**
 * What the finance page runs: a pipeline (after a re-sync request, so the records are processed at
 * once) and an approved plan. Pipelines are found by name in the pipelines directory; runs of one
 * pipeline are queued one after another (the lease would refuse a second one anyway).
 */
import { existsSync } from 'node:fs';
import type { Registry } from '../../engine/connector/registry.js';
import { pipelineNameOf } from '../../engine/ops/pipeline-ref.js';
import type { RunTrigger } from '../../engine/state/log.js';
import type { Logger } from '../../engine/runtime/logger.js';
import type { StateStore } from '../../engine/state/store.js';
import type { SessionResult } from '../../engine/run/session.js';
import { pipelineFiles } from '../../engine/schedule/discover.js';

export interface PageRunner {
  /** The pipeline file of a pipeline name, when the page knows it. */
  fileOf(pipeline: string): string | undefined;
  run(pipeline: string, o: { actor: string; trigger: RunTrigger }): Promise<SessionResult | undefined>;
  apply(pipeline: string, planPath: string, actor: string): Promise<SessionResult>;
}

export interface RunnerOptions {
  state: StateStore;
  registry: Registry;
  logger: Logger;
  pipelinesDir?: string;
  connectionsPath?: string;
  env?: NodeJS.ProcessEnv;
}

export function pageRunner(o: RunnerOptions): PageRunner {
  const queues = new Map<string, Promise<unknown>>();
  const files = (): Map<string, string> => {
    const out = new Map<string, string>();
    if (!o.pipelinesDir || !existsSync(o.pipelinesDir)) return out;
    for (const path of pipelineFiles(o.pipelinesDir)) {
      try {
        out.set(pipelineNameOf(path), path);
      } catch {
        // An invalid file: not offered (sluice validate says why).
      }
    }
    return out;
  };
  const queued = <T>(pipeline: string, fn: () => Promise<T>): Promise<T> => {
    const before = queues.get(pipeline) ?? Promise.resolve();
    const next = before.then(fn, fn);
    queues.set(
      pipeline,
      next.catch(() => undefined),
    );
    return next;
  };
  const session = async (
    subject: { kind: 'pipeline-file' | 'plan-file'; path: string },
    command: 'run' | 'apply',
    extra: { actor: string; trigger?: RunTrigger },
  ) => {
    const { runSession } = await import('../../engine/run/session.js');
    return runSession({
      command,
      subject,
      state: o.state,
      registry: o.registry,
      logger: o.logger,
      actor: extra.actor,
      ...(extra.trigger && { trigger: extra.trigger }),
      ...(o.connectionsPath !== undefined && { connectionsPath: o.connectionsPath }),
      ...(o.env && { env: o.env }),
    });
  };
  return {
    fileOf: (pipeline) => files().get(pipeline),
    run(pipeline, r) {
      const file = files().get(pipeline);
      if (!file) return Promise.resolve(undefined);
      return queued(pipeline, () => session({ kind: 'pipeline-file', path: file }, 'run', r));
    },
    apply(pipeline, planPath, actor) {
      return queued(pipeline, () => session({ kind: 'plan-file', path: planPath }, 'apply', { actor }));
    },
  };
}
