/** Opening the connector against the test server, for this folder's tests. */
import { withResources, type ResourceOpener } from '../../engine/connector/dispatch.js';
import type { DataRecord, ReadRequest, TargetBinding, TargetResource } from '../../engine/connector/types.js';
import { ManualClock, type Clock } from '../../engine/runtime/clock.js';
import { silentLogger, type Logger } from '../../engine/runtime/logger.js';
import { memoryVault } from '../../test/conformance/context.js';
import type { HttpConfig } from './config.js';
import { httpConnector, openHttp, type HttpConnection } from './index.js';
import type { TestServer } from './test-support.js';

export async function openAgainst(
  server: TestServer,
  config: Partial<HttpConfig> = {},
  o: { clock?: Clock; logger?: Logger } = {},
): Promise<HttpConnection & ResourceOpener> {
  const conn = await openHttp(
    { baseUrl: server.baseUrl, timeoutMs: 5000, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, ...config },
    {
      connectionName: 'http-test',
      baseDir: process.cwd(),
      credentials: memoryVault(),
      logger: o.logger ?? silentLogger(),
      clock: o.clock ?? new ManualClock(undefined, { autoAdvance: true }),
    },
  );
  return withResources(httpConnector, conn);
}

export async function readAll(
  connection: ResourceOpener,
  options: DataRecord,
  request: ReadRequest = {},
): Promise<DataRecord[][]> {
  const pages: DataRecord[][] = [];
  for await (const page of connection.source('records', options).read(request)) pages.push(page);
  return pages;
}

export function targetOf(
  connection: ResourceOpener,
  options: DataRecord,
  binding: Partial<TargetBinding> = {},
  resource = 'records',
): TargetResource {
  return connection.target(resource, options, { keyField: 'externalId', mode: 'upsert', ...binding });
}

export const keys = (pages: DataRecord[][]): string[] => pages.flat().map((r) => String(r.externalId));
