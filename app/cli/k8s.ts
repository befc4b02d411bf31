/** `sluice k8s <dir>`: Kubernetes CronJobs (one per scheduled pipeline) and a scheduler Deployment, as YAML. */
import { writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import { write, type CliIo } from './common.js';

interface K8sCliOptions {
  image: string;
  namespace?: string;
  secret: string;
  workdir: string;
  cpu: string;
  memory: string;
  memoryLimit: string;
  port: string;
  connections?: string;
  out?: string;
}

export function k8sCommand(program: Command, io: CliIo): void {
  program
    .command('k8s')
    .description(
      'write Kubernetes manifests: a CronJob per scheduled pipeline of <dir> and a Deployment for sluice schedule --serve',
    )
    .argument('<dir>', 'pipelines directory (relative to the project root the image holds)')
    .option('--image <image>', 'container image holding sluice and the project', 'sluice:latest')
    .option('--namespace <ns>', 'namespace of the manifests')
    .option(
      '--secret <name>',
      'Secret with SLUICE_STATE_URL, SLUICE_SECRET_KEY and the connections variables',
      'sluice',
    )
    .option('--workdir <path>', 'where the project is inside the image', '/project')
    .option('--cpu <quantity>', 'CPU request', '100m')
    .option('--memory <quantity>', 'memory request', '256Mi')
    .option('--memory-limit <quantity>', 'memory limit', '1Gi')
    .option('--port <n>', 'port of the scheduler /healthz and /metrics', '9464')
    .option('--connections <file>', 'connections file (default: found as for sluice run)')
    .option('--out <file>', 'write the YAML there instead of stdout')
    .action(async (dir: string, opts: K8sCliOptions) => {
      const [{ stringify }, { findConnectionsFile }, { formatDiagnostics }, { buildManifests }, { discover }] =
        await Promise.all([
          import('yaml'),
          import('../../engine/config/connections.js'),
          import('../../engine/config/diagnostics.js'),
          import('../../engine/k8s/manifests.js'),
          import('../../engine/schedule/discover.js'),
        ]);
      if (isAbsolute(dir)) {
        write(
          io.stderr,
          `sluice k8s: give <dir> relative to the project root (the image's ${opts.workdir}), not ${dir}\n`,
        );
        io.exitCode = 2;
        return;
      }
      const found = discover(dir, {
        registry: await io.registry(),
        ...(opts.connections && { connectionsPath: opts.connections }),
      });
      if (found.invalid.length > 0) {
        for (const i of found.invalid) write(io.stderr, formatDiagnostics(i.diagnostics, 'text'));
        write(io.stderr, `sluice k8s: ${found.invalid.length} pipeline file(s) are invalid; fix them first\n`);
        io.exitCode = 2;
        return;
      }
      const files = [...found.scheduled.map((p) => p.path), findConnectionsFile(join(dir, 'x.yaml'), opts.connections)];
      const manifests = buildManifests(
        { pipelines: found.scheduled, files, base: dir },
        {
          image: opts.image,
          ...(opts.namespace && { namespace: opts.namespace }),
          secret: opts.secret,
          workdir: opts.workdir,
          dir,
          cpu: opts.cpu,
          memory: opts.memory,
          memoryLimit: opts.memoryLimit,
          port: Number(opts.port),
        },
      );
      const text = manifests.map((m) => stringify(m, { lineWidth: 0 })).join('---\n');
      if (opts.out) {
        writeFileSync(opts.out, text);
        write(io.stdout, `wrote ${manifests.length - 1} CronJob(s) and the scheduler Deployment to ${opts.out}\n`);
      } else write(io.stdout, text);
      for (const u of found.unscheduled) write(io.stderr, `sluice k8s: ${u.name} has no schedule: no CronJob\n`);
    });
}
