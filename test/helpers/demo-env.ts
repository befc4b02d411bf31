/**
 * End-to-end test harness for the shipped pipelines: the demo environment (Concur and SAP B1
 * emulators, ERP database, connections.yaml) in a temp dir, and the CLI run against it as a
 * subprocess with the environment's secrets in its environment.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach } from 'vitest';
import {
  PIPELINES_DIR,
  startDemoEnvironment,
  type DemoEnvironment,
  type DemoEnvironmentOptions,
} from '../../app/demo/environment.js';
import { cli, startCli, type CliResult } from './cli.js';
import { tempDir } from './tmp.js';
import { trafficContract } from './traffic-contract.js';

export { PIPELINES_DIR };

/**
 * Starts a demo environment for this test file; it is closed after the file's tests. Its traffic is
 * held against the vendors' specs (traffic-contract.ts): a test whose requests or responses break
 * them fails, naming the request, the place in the body and what the spec says.
 */
export async function demoEnvironment(
  options: Omit<DemoEnvironmentOptions, 'dir' | 'traffic'> = {},
): Promise<DemoEnvironment> {
  const contract = trafficContract();
  const env = await startDemoEnvironment({ dir: tempDir('sluice-e2e-'), ...options, traffic: contract.record });
  env.concur.events.on((e) => e.type === 'request' && contract.arrived('concur', e.requestId));
  env.b1.events.on((e) => e.type === 'request' && contract.arrived('sap-b1', e.requestId));
  beforeEach(() => contract.testStarted());
  afterEach(() => {
    contract.testEnded();
    contract.check();
  });
  afterAll(async () => {
    await env.close();
    try {
      contract.check();
    } finally {
      const open = contract.openFindings();
      if (open) console.warn(open);
    }
  });
  return env;
}

export function pipelinePath(name: string): string {
  return join(PIPELINES_DIR, `${name}.yaml`);
}

function args(env: DemoEnvironment, argv: string[]): string[] {
  return [...argv, '--connections', env.connectionsPath, '--state', env.stateUrl, '--no-progress'].filter(
    (a, i, all) => !(a === '--no-progress' && !['run', 'plan', 'apply'].includes(all[0]!)),
  );
}

/** `sluice <argv...> --connections <env> --state <env>` as a subprocess. */
export function sluice(env: DemoEnvironment, argv: string[]): Promise<CliResult> {
  return cli(args(env, argv), { cwd: env.dir, env: env.env });
}

/** The same, returning the child so a test can kill it mid-run. */
export function startSluice(env: DemoEnvironment, argv: string[]): ReturnType<typeof startCli> {
  return startCli(args(env, argv), { cwd: env.dir, env: env.env });
}

/** `sluice run <pipeline> --json`, parsed. */
export async function runPipeline(
  env: DemoEnvironment,
  name: string,
  extra: string[] = [],
): Promise<{ result: CliResult; report: RunReportJson }> {
  const result = await sluice(env, ['run', pipelinePath(name), '--json', ...extra]);
  let report: RunReportJson;
  try {
    report = JSON.parse(result.stdout) as RunReportJson;
  } catch {
    throw new Error(
      `sluice run ${name} printed no JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return { result, report };
}

export interface RunReportJson {
  status: string;
  exitCode: number;
  plan?: { counts: Record<string, number>; warnings: string[]; guard?: { blocked: boolean } };
  apply?: Record<string, number>;
  attention: { count: number; sample: { sourceKey: string; code: string; message: string }[] };
  apiCalls: Record<string, { apiCalls: number; calls?: Record<string, number> }>;
  confirm?: { sent: number; failed: number };
  error?: { code: string; message: string };
}
