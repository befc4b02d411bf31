/** Against a real OpenSSH server: key and password logins, and refused host keys (nothing is sent then). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformanceContext } from '../../test/conformance/suite.js';
import { tempDir } from '../../test/helpers/tmp.js';
import type { SluiceError } from '../../engine/errors.js';
import type { SftpConfig } from './config.js';
import { openConnection } from '../../engine/connector/dispatch.js';
import { sftpConnector } from './index.js';
import { useSftpServer } from './test-support.js';

const sftp = useSftpServer();

async function listInbox(config: SftpConfig): Promise<string[]> {
  const inbox = sftp.folder('auth-inbox');
  sftp.write(join(inbox, 'one.jsonl'), '{"id":"x"}\n');
  const connection = await openConnection(sftpConnector, config, conformanceContext({}));
  try {
    const keys: string[] = [];
    const source = connection.source!('inbox', { folder: inbox, archive: `${inbox}/archive` });
    for await (const page of source.read({ dryRun: true })) keys.push(...page.map((r) => String(r.id)));
    return keys;
  } finally {
    await connection.close();
  }
}

async function refusal(config: SftpConfig): Promise<SluiceError> {
  try {
    await listInbox(config);
  } catch (err) {
    return err as SluiceError;
  }
  throw new Error('the connection was not refused');
}

describe('sftp logins and host keys', () => {
  it('logs in with the key, host key checked against known_hosts', async () => {
    expect(await listInbox(sftp.config())).toEqual(['x']);
  });

  it('logs in with the password (no key), host key pinned by fingerprint', async () => {
    const { password, fingerprint } = sftp.server();
    expect(password, 'password logins need the harness to run as root').toBeDefined();
    const config = sftp.config({ password, hostKey: { fingerprint } });
    delete config.privateKey;
    expect(await listInbox(config)).toEqual(['x']);
  });

  it('refuses a wrong password as AUTH_FAILED without echoing it', async () => {
    const config = sftp.config({ password: 'not-the-password-123' });
    delete config.privateKey;
    const err = await refusal(config);
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).not.toContain('not-the-password-123');
  });

  it('refuses a server whose key differs from the pinned fingerprint: a config error naming the key it saw', async () => {
    const err = await refusal(
      sftp.config({ hostKey: { fingerprint: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU' } }),
    );
    expect(err.code).toBe('SFTP_HOST_KEY_REJECTED');
    expect(err.name).toBe('ConfigError');
    expect(err.message).toContain(sftp.server().fingerprint);
  });

  it('refuses a server known_hosts lists with another key, and one it does not list', async () => {
    const dir = tempDir('sluice-sftp-kh-');
    const { port } = sftp.server();
    const wrong = join(dir, 'wrong');
    writeFileSync(
      wrong,
      `[127.0.0.1]:${port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n`,
    );
    const mismatch = await refusal(sftp.config({ hostKey: { knownHosts: wrong } }));
    expect(mismatch.code).toBe('SFTP_HOST_KEY_REJECTED');
    expect(mismatch.message).toContain(`does not match ${wrong}:1`);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    const unknown = await refusal(sftp.config({ hostKey: { knownHosts: empty } }));
    expect(unknown.message).toContain(`[127.0.0.1]:${port} is not in ${empty}`);
  });

  it('refuses to open with a known_hosts file that cannot be read, naming it', async () => {
    await expect(
      sftpConnector.open(sftp.config({ hostKey: { knownHosts: '/nonexistent/known_hosts' } }), conformanceContext({})),
    ).rejects.toThrow(/hostKey.knownHosts \/nonexistent\/known_hosts cannot be read/);
  });
});
