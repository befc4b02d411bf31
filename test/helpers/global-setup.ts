/**
 * Global test setup: provisions one throwaway MariaDB server for the whole run (installing
 * mariadb-server when absent) and hands its URL to the tests through `inject('mysqlUrl')`; and
 * headless Chromium for the browser tests (installing Debian's chromium when absent),
 * `inject('chromiumPath')`.
 */
import type { TestProject } from 'vitest/node';
import { ensureChromium } from './chromium.js';
import { startMariaDb, type MariaDbServer } from './mariadb.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mysqlUrl: string;
    chromiumPath: string;
  }
}

let server: MariaDbServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  server = await startMariaDb();
  project.provide('mysqlUrl', server.url);
  project.provide('chromiumPath', ensureChromium());
  return async () => {
    await server?.stop();
  };
}
