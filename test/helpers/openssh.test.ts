import SftpClient from 'ssh2-sftp-client';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenSsh, type OpenSshServer } from './openssh.js';

describe('openssh test server', () => {
  let server: OpenSshServer;
  beforeAll(async () => {
    server = await startOpenSsh();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves SFTP to the generated key and to the password', async () => {
    const byKey = new SftpClient();
    await byKey.connect({
      host: server.host,
      port: server.port,
      username: server.username,
      privateKey: readFileSync(server.privateKeyPath),
    });
    await byKey.put(Buffer.from('hello'), `${server.root}/a.txt`);
    await byKey.end();
    const byPassword = new SftpClient();
    await byPassword.connect({
      host: server.host,
      port: server.port,
      username: server.username,
      password: server.password!,
    });
    expect(((await byPassword.get(`${server.root}/a.txt`)) as Buffer).toString()).toBe('hello');
    await byPassword.end();
  });
});
