import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { runConformanceSuite, type ConformanceFixture } from '../../test/conformance/suite.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { startTcpProxy, type TcpProxy } from '../sql/testing/tcp-proxy.js';
import type { SftpConfig } from './config.js';
import { sftpConnector } from './index.js';
import { useSftpServer } from './test-support.js';

const sftp = useSftpServer();

interface Fixture extends ConformanceFixture<SftpConfig> {
  proxy: TcpProxy;
  inbox: string;
}

runConformanceSuite<SftpConfig, Fixture>({
  name: 'sftp',
  definition: sftpConnector,
  async setup() {
    const inbox = sftp.folder('inbox');
    sftp.write(join(inbox, 'a.csv'), 'id,amount\r\na,1\r\nb,2\r\nc,3\r\n');
    sftp.write(join(inbox, 'b.csv'), 'id,amount\r\nd,4\r\ne,5\r\n');
    sftp.write(join(inbox, 'ignored.txt'), 'not matched by the pattern\n');
    // Through a proxy (cut for the retryable failure): the host key is pinned, the port is the proxy's.
    const proxy = await startTcpProxy(sftp.server().port);
    const config = sftp.config({
      port: proxy.port,
      hostKey: { fingerprint: sftp.server().fingerprint },
      spoolDir: sftp.spool(),
    });
    return {
      proxy,
      inbox,
      config,
      invalidConfigs: [
        { ...config, hostKey: {} },
        { ...config, hostKey: { fingerprint: 'MD5:00' } },
        { host: config.host, username: config.username, hostKey: config.hostKey },
      ],
      source: {
        resource: 'inbox',
        options: { folder: inbox, pattern: '*.csv', archive: join(sftp.server().root, 'archive') },
        expectedKeys: ['a', 'b', 'c', 'd', 'e'],
      },
      target: {
        resource: 'batch',
        options: { folder: sftp.folder('outbox'), name: 'batch-{date}-{run}.jsonl' },
        newRecord: (i) => ({ id: `n${i}`, name: `Name ${i}`, amount: i }),
        changeRecord: (r) => ({ ...r, name: `${String(r.name)}, changed` }),
        rejectedRecord: () => ({ id: 'bad', amount: 10n }),
      },
      teardown: () => proxy.close(),
    };
  },
  authFailure(fx) {
    const dir = tempDir('sluice-sftp-key-');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
    return Promise.resolve({ config: { ...fx.config, privateKey: readFileSync(join(dir, 'other'), 'utf8') } });
  },
  async injectRetryableFailure(fx) {
    await fx.proxy.cut();
    return () => fx.proxy.restore();
  },
  injectFinalFailure(fx) {
    renameSync(fx.inbox, `${fx.inbox}.gone`);
    return Promise.resolve(() => {
      renameSync(`${fx.inbox}.gone`, fx.inbox);
      return Promise.resolve();
    });
  },
});
