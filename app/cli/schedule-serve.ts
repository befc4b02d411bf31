/** `sluice schedule --serve <dir>`: the long-running scheduler (engine/schedule/serve.ts), stopped by SIGTERM/SIGINT. */
import { parseDurationMs } from '../../engine/runtime/duration.js';
import { systemClock } from '../../engine/runtime/clock.js';
import { serveSchedule } from '../../engine/schedule/serve.js';
import { EXIT } from '../../engine/run/report.js';
import { loggerFor, write, type CliIo, type GlobalOptions } from './common.js';

export interface ServeCliOptions extends GlobalOptions {
  serve: string;
  port: string;
  host: string;
  poll: string;
}

export async function serveCommand(opts: ServeCliOptions, io: CliIo): Promise<void> {
  const port = Number(opts.port);
  const pollMs = parseDurationMs(opts.poll);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    write(io.stderr, `sluice schedule: --port must be a port number (0-65535), got "${opts.port}"\n`);
    io.exitCode = EXIT.invalid;
    return;
  }
  if (pollMs === undefined || pollMs < 1000) {
    write(io.stderr, `sluice schedule: --poll must be a duration of at least 1s (e.g. 30s), got "${opts.poll}"\n`);
    io.exitCode = EXIT.invalid;
    return;
  }
  const stop = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      write(io.stderr, `sluice schedule: second ${sig}: exiting now\n`);
      process.exit(sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
    }
    write(io.stderr, `sluice schedule: ${sig}: stopping (a running run stops at its next batch boundary)\n`);
    stop.abort();
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  try {
    await serveSchedule({
      dir: opts.serve,
      registry: await io.registry(),
      ...(opts.connections && { connectionsPath: opts.connections }),
      ...(opts.state && { stateUrl: opts.state }),
      port,
      host: opts.host,
      clock: systemClock,
      logger: loggerFor(opts, io),
      signal: stop.signal,
      pollMs,
      onListening: (p) => write(io.stderr, `sluice schedule: serving /healthz and /metrics on ${opts.host}:${p}\n`),
    });
    io.exitCode = EXIT.ok;
  } finally {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  }
}
