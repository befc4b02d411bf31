/** The throwaway sshd itself: the login starts in its folder, only the key logs in, the host key is pinned. */
import ssh2 from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInstalled } from '../../test/helpers/openssh.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { ed25519KeyLength, generateSshKey, startSshd, type SshdServer } from './sftp-server.js';

describe('startSshd', () => {
  const dir = tempDir('sluice-sshd-unit-');
  const start = join(dir, 'with blanks', 'data'); // internal-sftp -d cannot take this path as it is
  const client = generateSshKey('unit');
  let server: SshdServer;
  beforeAll(async () => {
    mkdirSync(start, { recursive: true });
    server = await startSshd({
      sshd: ensureInstalled(),
      configDir: join(dir, 'config'),
      username: userInfo().username,
      authorizedKeys: [client.publicKey],
      permitRootLogin: process.getuid?.() === 0,
      startDir: start,
    });
  });
  afterAll(() => server?.stop());

  it('starts the login in startDir, so relative remote paths land under it; the host key is the pinned one', async () => {
    let seen = '';
    const sftp = new SftpClient();
    await sftp.connect({
      host: server.host,
      port: server.port,
      username: userInfo().username,
      privateKey: client.privateKey,
      hostHash: 'sha256',
      hostVerifier: (hash: string) => {
        seen = `SHA256:${Buffer.from(hash, 'hex').toString('base64').replace(/=+$/, '')}`;
        return true;
      },
    });
    await sftp.mkdir('inbound/invoices', true);
    await sftp.put(Buffer.from('hello'), 'inbound/invoices/a.txt');
    await sftp.end();
    expect(readFileSync(join(start, 'inbound', 'invoices', 'a.txt'), 'utf8')).toBe('hello');
    expect(seen).toBe(server.fingerprint);
    const [pattern, type, key] = readFileSync(server.knownHostsPath, 'utf8').trim().split(' ');
    expect(pattern).toBe(`[127.0.0.1]:${server.port}`);
    expect(type).toBe('ssh-ed25519');
    expect(key).toMatch(/^AAAA/);
  });

  it('refuses another key and passwords', async () => {
    const other = new ssh2.Client();
    const refused = new Promise<string | undefined>((resolve) => {
      other.once('ready', () => resolve('logged in'));
      other.once('error', (err: Error & { level?: string }) => resolve(err.level));
    });
    other.connect({
      host: server.host,
      port: server.port,
      username: userInfo().username,
      privateKey: generateSshKey('other').privateKey,
      password: 'anything',
    });
    expect(await refused).toBe('client-authentication');
    other.end();
  });
});

describe('generateSshKey', () => {
  // ssh2 drops a public key's leading zero byte (31 bytes), a key OpenSSH refuses: this one's blob
  const short = Buffer.concat([
    Buffer.from('0000000b7373682d65643235353139', 'hex'),
    Buffer.from('0000001fd435fb320947625de8272638dd1c8684dc19982af360c7046ec62206880c43', 'hex'),
  ]);

  it('reads the key length of an ssh-ed25519 line: 31 for the short key ssh2 can write', () => {
    expect(ed25519KeyLength(`ssh-ed25519 ${short.toString('base64')} host`)).toBe(31);
    expect(ed25519KeyLength('ssh-ed25519 AAAA')).toBe(-1);
  });

  it('gives only 32-byte keys (without the redraw, about one in 256 would be short)', () => {
    const lengths = new Set(Array.from({ length: 2000 }, () => ed25519KeyLength(generateSshKey('t').publicKey)));
    expect([...lengths]).toEqual([32]);
  });
});
