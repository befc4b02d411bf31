/**
 * The sftp inbox under the engine (real planner, applier, state store on SQLite and MariaDB): a
 * remittance file's records land once, its bad row is parked with file:line, and a run that dies
 * between apply and confirm leaves the file in the inbox; the next run posts nothing twice and
 * archives it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../engine/connector/registry.js';
import type { ConnectorDefinition } from '../../engine/connector/types.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { runSession } from '../../engine/run/session.js';
import { openStateStore, type StateStore } from '../../engine/state/store.js';
import { dataset, memoryConnector, type MemoryDataset } from '../../test/helpers/memory-connector.js';
import { stateBackends, type FreshStore } from '../../test/helpers/state-backends.js';
import { tempDir } from '../../test/helpers/tmp.js';
import type { SftpConfig } from './config.js';
import { sftpConnector, type SftpConnection } from './index.js';
import { useSftpServer } from './test-support.js';

const sftp = useSftpServer();

/** The sftp connector in a process that dies right after apply: its confirmations never happen. */
const dyingBeforeConfirm: ConnectorDefinition<SftpConfig, SftpConnection> = {
  ...sftpConnector,
  resources: {
    ...sftpConnector.resources,
    inbox: {
      ...sftpConnector.resources.inbox!,
      openSource: (conn, options, ctx) => {
        const inner = sftpConnector.resources.inbox!.openSource!(conn, options, ctx);
        return {
          read: (r) => inner.read(r),
          confirmKeeps: (r) => inner.confirmKeeps!(r),
          confirm: () => Promise.resolve(),
        };
      },
    },
  },
};

describe.each(stateBackends)('sftp remittances through the engine on $name', (backend) => {
  let fresh: FreshStore;
  let state: StateStore;
  let dir: string;
  let dst: MemoryDataset;
  let inbox: string;

  beforeEach(async () => {
    fresh = await backend.fresh();
    state = await openStateStore({ url: fresh.url, secretKey: 's'.repeat(64) });
    dir = tempDir('sluice-sftp-engine-');
    dst = dataset(`${dir}:dst`);
    inbox = sftp.folder(`engine-${backend.name}`);
    writeFileSync(join(dir, 'client_key'), sftp.config().privateKey!);
    writeFileSync(
      join(dir, 'connections.yaml'),
      stringify({
        connections: {
          bank: {
            connector: 'sftp',
            host: sftp.server().host,
            port: sftp.server().port,
            username: sftp.server().username,
            privateKey: '${file:client_key}',
            hostKey: { knownHosts: sftp.server().knownHostsPath },
          },
          dst: { connector: 'memory', dataset: `${dir}:dst` },
        },
      }),
    );
    writeFileSync(
      join(dir, 'remit.yaml'),
      stringify({
        version: 1,
        name: 'remit',
        source: {
          connection: 'bank',
          resource: 'inbox',
          key: 'id',
          options: { folder: inbox, pattern: 'remit-*.csv', archive: `${inbox}/archive` },
        },
        transform: '{ "id": id, "invoice": invoice, "amount": $number(amount) }',
        target: { connection: 'dst', resource: 'records', mode: 'create', key: 'id' },
      }),
    );
  });
  afterEach(async () => {
    await state.close();
    await fresh.cleanup();
  });

  const run = (sftpDefinition: ConnectorDefinition<SftpConfig>) =>
    runSession({
      command: 'run',
      subject: { kind: 'pipeline-file', path: join(dir, 'remit.yaml') },
      registry: createRegistry([memoryConnector, sftpDefinition as ConnectorDefinition<never>]),
      logger: silentLogger(),
      state,
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
    });

  it('posts each record once and archives the file only after a run confirmed it', async () => {
    sftp.write(
      join(inbox, 'remit-0305.csv'),
      'id,invoice,amount\nP1,INV-1,100.50\nP2,INV-2\nP3,INV-3,7\nP4,INV-1,20\n',
    );
    const first = await run(dyingBeforeConfirm);
    expect(first.report.apply).toMatchObject({ created: 3 });
    expect([...dst.target.keys()].sort()).toEqual(['P1', 'P3', 'P4']);
    expect(first.report.attention.sample.map((a) => [a.code, a.message])).toEqual([
      ['FILE_CSV_FIELD_COUNT', expect.stringContaining(`${inbox}/remit-0305.csv:3:1`)],
    ]);
    expect(sftp.ls(inbox), 'not archived: the run died before confirming').toContain('remit-0305.csv');
    const writes = dst.calls.write;

    const second = await run(sftpConnector);
    expect(second.report.apply).toMatchObject({ created: 0 });
    expect(dst.calls.write, 'nothing is sent again').toBe(writes);
    expect(sftp.ls(inbox)).toEqual(['archive']);
    expect(sftp.ls(`${inbox}/archive`)).toEqual(['remit-0305.csv']);

    const third = await run(sftpConnector);
    expect(third.report.plan?.counts).toMatchObject({ read: 0 });
  });
});
