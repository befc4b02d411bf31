/** `sluice serve`: the finance page on the state store (app/serve). */
import type { Command } from 'commander';
import { addGlobalOptions, loggerFor, parseNumber, write, type CliIo, type GlobalOptions } from './common.js';

interface ServeOptions extends GlobalOptions {
  host: string;
  port: string;
  tlsCert?: string;
  tlsKey?: string;
  secureCookies?: boolean;
  publicOrigin?: string;
  pipelines: string;
}

export function serveCommand(program: Command, io: CliIo): void {
  addGlobalOptions(
    program
      .command('serve')
      .description(
        'the finance page: requires attention, documents with their integration log, re-sync, runs, and four-eyes approval of plans (users: sluice users add)',
      )
      .option('--host <address>', 'address to bind (default loopback only)', '127.0.0.1')
      .option('--port <n>', 'port', '8484')
      .option('--tls-cert <file>', 'TLS certificate (PEM); with --tls-key the page is served over HTTPS')
      .option('--tls-key <file>', 'TLS private key (PEM)')
      .option('--secure-cookies', 'mark cookies Secure without TLS here (a TLS-terminating reverse proxy in front)')
      .option(
        '--public-origin <origin>',
        'the origin browsers use behind a reverse proxy, e.g. https://finance.example.com',
      )
      .option('--pipelines <dir>', 'pipeline files, so re-sync and apply can run them', 'pipelines'),
  ).action(async (opts: ServeOptions) => {
    if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
      write(io.stderr, 'sluice serve: give both --tls-cert and --tls-key, or neither\n');
      io.exitCode = 2;
      return;
    }
    const { openStateStore } = await import('../../engine/state/store.js');
    const { startFinancePage } = await import('../serve/server.js');
    const state = await openStateStore({ ...(opts.state && { url: opts.state }) });
    const page = await startFinancePage({
      state,
      registry: await io.registry(),
      logger: loggerFor(opts, io),
      host: opts.host,
      port: parseNumber(opts.port, '--port'),
      ...(opts.tlsCert && opts.tlsKey && { tls: { certFile: opts.tlsCert, keyFile: opts.tlsKey } }),
      secureCookies: opts.secureCookies === true,
      ...(opts.publicOrigin && { publicOrigin: opts.publicOrigin }),
      pipelinesDir: opts.pipelines,
      ...(opts.connections && { connectionsPath: opts.connections }),
    });
    write(
      io.stdout,
      `sluice serve: the finance page is at ${page.url} (state ${state.location.display}); Ctrl-C stops it\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await page.close();
    await state.close();
  });
}
