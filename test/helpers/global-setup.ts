/**
 * Global test setup: provisions one throwaway MariaDB server for the whole run (installing
 * mariadb-server when absent) and hands its URL to the tests through `inject('mysqlUrl')`.
 */
import type { TestProject } from 'vitest/node';
import { startMariaDb, type MariaDbServer } from './mariadb.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mysqlUrl: string;
  }
}

let server: MariaDbServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  server = await startMariaDb();
  project.provide('mysqlUrl', server.url);
  return async () => {
    await server?.stop();
  };
}
