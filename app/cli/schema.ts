/** `sluice schema`: write or check the published JSON Schema bundles; `sluice schedule`: next run times. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CONNECTOR_DOCS, buildConnectorDocs } from '../../engine/config/connector-docs.js';
import { BUNDLES, buildConnectionsBundle, buildPipelineBundle, bundleText } from '../../engine/config/bundle.js';
import { formatDiagnostics } from '../../engine/config/diagnostics.js';
import { addGlobalOptions, write, type CliIo, type GlobalOptions } from './common.js';
import type { ServeCliOptions } from './schedule-serve.js';

export function schemaCommands(program: Command, io: CliIo): void {
  program
    .command('schema')
    .description(
      `generate ${BUNDLES.pipeline}, ${BUNDLES.connections} and ${CONNECTOR_DOCS} from the connector registry`,
    )
    .option('--check', 'exit 1 when the checked-in bundles are stale')
    .action(async (opts: { check?: boolean }) => {
      const registry = await io.registry();
      const outputs = [
        [BUNDLES.pipeline, bundleText(buildPipelineBundle(registry))],
        [BUNDLES.connections, bundleText(buildConnectionsBundle(registry))],
        [CONNECTOR_DOCS, buildConnectorDocs(registry)],
      ] as const;
      let stale = 0;
      for (const [path, text] of outputs) {
        let current = '';
        try {
          current = readFileSync(path, 'utf8');
        } catch {
          current = '';
        }
        if (current === text) continue;
        if (opts.check) {
          write(io.stderr, `${path} is stale: run sluice schema\n`);
          stale++;
        } else {
          writeFileSync(path, text);
          write(io.stdout, `wrote ${path}\n`);
        }
      }
      io.exitCode = stale > 0 ? 1 : 0;
    });

  addGlobalOptions(
    program
      .command('schedule')
      .description(
        'print the next run times of a pipeline; with --serve <dir>, run every pipeline of the directory on its schedule',
      )
      .argument('[pipeline]', 'pipeline file')
      .option('--count <n>', 'how many', '5')
      .option('--serve <dir>', 'run the pipelines of <dir> on their schedules until SIGTERM')
      .option('--port <n>', 'with --serve: port of /healthz and /metrics', '9464')
      .option('--host <address>', 'with --serve: address to listen on', '0.0.0.0')
      .option('--poll <duration>', 'with --serve: how often the directory is looked at again', '30s'),
  ).action(async (pipeline: string | undefined, opts: GlobalOptions & { count: string } & Partial<ServeCliOptions>) => {
    // Loaded only here: the scheduler's HTTP server and prom-client cost start-up time of other commands.
    if (opts.serve !== undefined)
      return (await import('./schedule-serve.js')).serveCommand(opts as ServeCliOptions, io);
    if (pipeline === undefined) {
      write(io.stderr, 'sluice schedule: name a pipeline file, or --serve <dir>\n');
      io.exitCode = 2;
      return;
    }
    const [{ loadPipeline }, { formatInZone, nextRuns }] = await Promise.all([
      import('../../engine/config/pipeline.js'),
      import('../../engine/config/schedule.js'),
    ]);
    const r = loadPipeline(pipeline, {
      registry: await io.registry(),
      ...(opts.connections && { connectionsPath: opts.connections }),
    });
    if (!r.pipeline) {
      write(io.stderr, formatDiagnostics(r.diagnostics, 'text'));
      io.exitCode = 2;
      return;
    }
    const schedule = r.pipeline.spec.schedule;
    if (!schedule) {
      write(io.stdout, `${r.pipeline.spec.name} has no schedule\n`);
      return;
    }
    write(io.stdout, `${r.pipeline.spec.name}: "${schedule.cron}" in ${schedule.timezone ?? 'UTC'}\n`);
    for (const d of nextRuns(schedule, Number(opts.count)))
      write(io.stdout, `  ${formatInZone(d, schedule.timezone ?? 'UTC')}\n`);
  });
}
