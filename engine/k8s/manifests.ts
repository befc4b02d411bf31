/**
 * Kubernetes manifests for a directory of pipelines: one CronJob per scheduled pipeline (its cron,
 * its time zone, never two Jobs at once), and a Deployment running `sluice schedule --serve` for
 * those who prefer one long-running scheduler. The state store URL, the secret key and every
 * `${env:NAME}` the pipelines and connections reference come from one Secret; the image holds the
 * project (pipelines, mappings, connections.yaml) under `workdir`.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { findRefs } from '../config/refs.js';
import type { ScheduledPipeline } from '../schedule/scheduler.js';

export interface K8sOptions {
  image: string;
  namespace?: string;
  /** The Secret with SLUICE_STATE_URL, SLUICE_SECRET_KEY and the connections' variables. */
  secret: string;
  /** Where the project is inside the image (the working directory of the containers). */
  workdir: string;
  /** The pipelines directory as the containers see it, relative to workdir. */
  dir: string;
  cpu: string;
  memory: string;
  memoryLimit: string;
  /** Port of /healthz and /metrics of the scheduler Deployment. */
  port: number;
}

export interface ManifestInput {
  pipelines: ScheduledPipeline[];
  /** Files whose `${env:NAME}` references the containers need (pipelines, connections file). */
  files: string[];
  /** Where the pipeline paths are relative to (the directory given on the command line). */
  base: string;
}

type Manifest = Record<string, unknown>;

const ENGINE_ENV = ['SLUICE_STATE_URL', 'SLUICE_SECRET_KEY'];

/** A DNS-1123 label of at most `max` characters. */
export function k8sName(text: string, max = 52): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return (s.slice(0, max).replace(/-+$/, '') || 'pipeline').replace(/^[^a-z0-9]/, 'p');
}

function envNames(files: string[]): string[] {
  const names = new Set<string>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const r of findRefs(text)) if (r.kind === 'env' && r.name.trim() !== '') names.add(r.name);
  }
  for (const n of ENGINE_ENV) names.delete(n);
  return [...names].sort();
}

function container(o: K8sOptions, env: string[], args: string[]): Manifest {
  return {
    name: 'sluice',
    image: o.image,
    args,
    workingDir: o.workdir,
    env: [...ENGINE_ENV, ...env].map((name) => ({ name, valueFrom: { secretKeyRef: { name: o.secret, key: name } } })),
    resources: { requests: { cpu: o.cpu, memory: o.memory }, limits: { memory: o.memoryLimit } },
    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: false },
  };
}

function metadata(o: K8sOptions, name: string, labels: Record<string, string>): Manifest {
  return {
    name,
    ...(o.namespace && { namespace: o.namespace }),
    labels: { 'app.kubernetes.io/name': 'sluice', ...labels },
  };
}

export function buildManifests(input: ManifestInput, o: K8sOptions): Manifest[] {
  const env = envNames(input.files);
  const inImage = (path: string): string => `${o.dir.replace(/\/+$/, '')}/${relative(input.base, path)}`;
  const jobs = input.pipelines.map((p) => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: metadata(o, k8sName(p.name), { 'sluice.dev/pipeline': k8sName(p.name, 63) }),
    spec: {
      schedule: p.cron,
      timeZone: p.timezone,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 5,
      jobTemplate: {
        spec: {
          // The next tick is the retry: sluice settles in-doubt writes and resumes from its cursor.
          backoffLimit: 0,
          template: {
            metadata: { labels: { 'app.kubernetes.io/name': 'sluice', 'sluice.dev/pipeline': k8sName(p.name, 63) } },
            spec: {
              restartPolicy: 'Never',
              // SIGTERM stops a run at its next batch boundary; this is how long it may take.
              terminationGracePeriodSeconds: 120,
              containers: [
                container(o, env, [
                  'run',
                  inImage(p.path),
                  '--trigger',
                  'schedule',
                  '--no-progress',
                  '--log-format',
                  'json',
                ]),
              ],
            },
          },
        },
      },
    },
  }));
  const scheduler = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(o, 'sluice-scheduler', { 'app.kubernetes.io/component': 'scheduler' }),
    spec: {
      // Two replicas are safe (each tick is claimed once in the state store) but one is enough.
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'sluice', 'app.kubernetes.io/component': 'scheduler' } },
      template: {
        metadata: {
          labels: { 'app.kubernetes.io/name': 'sluice', 'app.kubernetes.io/component': 'scheduler' },
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(o.port),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          terminationGracePeriodSeconds: 120,
          containers: [
            {
              ...container(o, env, ['schedule', '--serve', o.dir, '--port', String(o.port), '--log-format', 'json']),
              ports: [{ name: 'metrics', containerPort: o.port }],
              livenessProbe: { httpGet: { path: '/healthz', port: 'metrics' }, periodSeconds: 30 },
              readinessProbe: { httpGet: { path: '/healthz', port: 'metrics' }, periodSeconds: 10 },
            },
          ],
        },
      },
    },
  };
  return [...jobs, scheduler];
}
