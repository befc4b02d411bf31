/** Writes a pipeline file and a connections file into a temp dir for engine tests. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createRegistry } from '../../engine/connector/registry.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { runSession, type SessionOptions, type SessionResult, type SessionSubject } from '../../engine/run/session.js';
import type { StateStore } from '../../engine/state/store.js';
import { memoryConnector } from './memory-connector.js';

export const memoryRegistry = createRegistry([memoryConnector]);

export interface FixtureSpec {
  name?: string;
  source?: Record<string, unknown>;
  target?: Record<string, unknown>;
  transform?: string;
  extra?: Record<string, unknown>;
}

/** Writes `<dir>/<name>.yaml` and `<dir>/connections.yaml` (datasets `src` and `dst`). */
export function writePipeline(dir: string, spec: FixtureSpec = {}): string {
  const name = spec.name ?? 'p';
  writeFileSync(
    join(dir, 'connections.yaml'),
    stringify({
      connections: {
        src: { connector: 'memory', dataset: `${dir}:src` },
        dst: { connector: 'memory', dataset: `${dir}:dst` },
      },
    }),
  );
  const doc = {
    version: 1,
    name,
    source: { connection: 'src', resource: 'records', ...spec.source },
    transform: spec.transform ?? '{ "id": id, "name": name, "amount": amount }',
    target: { connection: 'dst', resource: 'records', mode: 'upsert', key: 'id', ...spec.target },
    ...spec.extra,
  };
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, stringify(doc));
  return path;
}

/** Options of a test session: what to work on as a pipeline file or a plan file path. */
export type TestSessionOptions = Omit<Partial<SessionOptions>, 'subject'> &
  Pick<SessionOptions, 'command'> &
  ({ pipelinePath: string } | { planPath: string });

export function session(state: StateStore, opts: TestSessionOptions): Promise<SessionResult> {
  const { pipelinePath, planPath, ...rest } = opts as TestSessionOptions & { pipelinePath?: string; planPath?: string };
  const subject: SessionSubject =
    planPath !== undefined ? { kind: 'plan-file', path: planPath } : { kind: 'pipeline-file', path: pipelinePath! };
  return runSession({
    registry: memoryRegistry,
    logger: silentLogger(),
    state,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
    subject,
    ...rest,
  });
}
