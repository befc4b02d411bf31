import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { memoryRegistry, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { discover } from '../schedule/discover.js';
import { buildManifests, k8sName } from './manifests.js';

const OPTIONS = {
  image: 'registry.example.com/sluice:1.0',
  namespace: 'finance',
  secret: 'sluice-prod',
  workdir: '/project',
  dir: 'pipelines',
  cpu: '100m',
  memory: '256Mi',
  memoryLimit: '1Gi',
  port: 9464,
};

function project() {
  const dir = tempDir();
  writePipeline(dir, {
    name: 'concur-expenses-to-sap-b1-with-a-name-longer-than-fifty-two',
    extra: { schedule: { cron: '0 2 * * *', timezone: 'America/Chicago' } },
  });
  writePipeline(dir, { name: 'ad-hoc' });
  writePipeline(dir, { name: 'vendors', extra: { schedule: { cron: '*/15 * * * *' } } });
  // the connections file references a variable from the environment
  writeFileSync(
    join(dir, 'connections.yaml'),
    `connections:\n  src: { connector: memory, dataset: "${dir}:src" }\n  dst: { connector: memory, dataset: "\${env:DST_PASSWORD}" }\n`,
  );
  return dir;
}

describe('sluice k8s manifests', () => {
  it('are a CronJob per scheduled pipeline and a scheduler Deployment, valid against the Kubernetes schemas', () => {
    const dir = project();
    const found = discover(dir, { registry: memoryRegistry, env: { DST_PASSWORD: `${dir}:dst` } });
    expect(found.invalid.flatMap((i) => i.diagnostics.map((d) => d.message))).toEqual([]);
    const manifests = buildManifests(
      {
        pipelines: found.scheduled,
        files: [...found.scheduled.map((p) => p.path), join(dir, 'connections.yaml')],
        base: dir,
      },
      OPTIONS,
    );
    // through YAML and back, as kubectl would read them
    const docs = parseAllDocuments(manifests.map((m) => JSON.stringify(m)).join('\n---\n')).map(
      (d) => d.toJS() as Record<string, unknown>,
    );
    const jobs = docs.filter((d) => d.kind === 'CronJob').map((d) => new CronJob(d as never));
    const deployments = docs.filter((d) => d.kind === 'Deployment').map((d) => new Deployment(d as never));
    for (const m of [...jobs, ...deployments]) m.validate();
    expect(jobs.map((j) => [j.metadata?.name, j.spec?.schedule, j.spec?.timeZone, j.spec?.concurrencyPolicy])).toEqual([
      ['concur-expenses-to-sap-b1-with-a-name-longer-than-fi', '0 2 * * *', 'America/Chicago', 'Forbid'],
      ['vendors', '*/15 * * * *', 'UTC', 'Forbid'],
    ]);
    const c = jobs[0]!.spec!.jobTemplate.spec!.template.spec!.containers[0]!;
    expect(c.image).toBe(OPTIONS.image);
    expect(c.args).toEqual([
      'run',
      'pipelines/concur-expenses-to-sap-b1-with-a-name-longer-than-fifty-two.yaml',
      '--trigger',
      'schedule',
      '--no-progress',
      '--log-format',
      'json',
    ]);
    expect(c.workingDir).toBe('/project');
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
    expect(c.env).toEqual(
      ['SLUICE_STATE_URL', 'SLUICE_SECRET_KEY', 'DST_PASSWORD'].map((name) => ({
        name,
        valueFrom: { secretKeyRef: { name: 'sluice-prod', key: name } },
      })),
    );
    expect(jobs[0]!.metadata?.namespace).toBe('finance');
    const d = deployments[0]!;
    expect(d.spec?.template.spec?.containers[0]?.args).toEqual([
      'schedule',
      '--serve',
      'pipelines',
      '--port',
      '9464',
      '--log-format',
      'json',
    ]);
    expect(d.spec?.template.spec?.containers[0]?.readinessProbe?.httpGet?.path).toBe('/healthz');
  });

  it('are checked by a validator that refuses what the Kubernetes schema refuses', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'x' },
      spec: { schedule: 5, timeZone: 'UTC', jobTemplate: { spec: { template: { spec: { containers: [] } } } } },
    };
    expect(() => new CronJob(job as never).validate()).toThrow(/schedule/);
  });

  it('names resources as DNS labels within the CronJob name limit', () => {
    expect(k8sName('Concur_Expenses.To.B1')).toBe('concur-expenses-to-b1');
    expect(k8sName('x'.repeat(80))).toHaveLength(52);
    expect(k8sName('---')).toBe('pipeline');
  });
});
