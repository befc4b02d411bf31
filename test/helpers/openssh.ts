/**
 * A throwaway OpenSSH SFTP server for the sftp connector's tests: installs `openssh-server` with
 * apt-get when no `sshd` is present (as the MariaDB helper does), and starts one per test file with
 * app/demo/sftp-server.ts (the demo's server: free loopback port, own config, generated ed25519 host
 * key, internal-sftp forced), with a generated client key in the temp dir.
 *
 * Logins: as root, a dedicated system user `sluice-sftp` (created with useradd when absent; its
 * password is set with chpasswd to the test-only PASSWORD) owns the data folder and may log in with
 * the generated key or the password. Not as root, sshd runs as the current user (key auth only: it
 * cannot check passwords) and `password` is undefined. No chroot: the data folder is a temp dir and
 * tests use its absolute path (`root`).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { findSshd, generateSshKey, startSshd, type SshdServer } from '../../app/demo/sftp-server.js';

export const SFTP_TEST_USER = 'sluice-sftp';
const PASSWORD = 'sluice-sftp-test-only';

export interface OpenSshServer {
  host: string;
  port: number;
  username: string;
  /** The login's password (root only: see the module comment). */
  password: string | undefined;
  /** The client's private key (OpenSSH format, no passphrase). */
  privateKeyPath: string;
  /** A known_hosts file with this server's host key for `[127.0.0.1]:port`. */
  knownHostsPath: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** Absolute path of the folder the login owns (inbox, archive, outbox… go under it). */
  root: string;
  /** sshd's output so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/** The sshd binary, installing openssh-server with apt-get (as root) when there is none. */
export function ensureInstalled(): string {
  const found = findSshd();
  if (found) return found;
  if (process.getuid?.() !== 0)
    throw new Error('no sshd found and not root: install openssh-server (apt-get install openssh-server) and rerun');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): void => {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'openssh-server'], { stdio: 'inherit', env });
  };
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    install();
  }
  const sshd = findSshd();
  if (!sshd) throw new Error('openssh-server installed but no sshd binary found');
  return sshd;
}

function ensureUser(): { uid: number; gid: number } {
  try {
    execFileSync('id', ['-u', SFTP_TEST_USER], { stdio: 'pipe' });
  } catch {
    try {
      execFileSync(
        'useradd',
        ['--system', '--no-create-home', '--home-dir', '/', '--shell', '/usr/sbin/nologin', SFTP_TEST_USER],
        {
          stdio: 'pipe',
        },
      );
    } catch (err) {
      // Another test file created it meanwhile.
      if (!/already exists/.test(String((err as { stderr?: Buffer }).stderr ?? ''))) throw err;
    }
  }
  execFileSync('chpasswd', { input: `${SFTP_TEST_USER}:${PASSWORD}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  const uid = Number(execFileSync('id', ['-u', SFTP_TEST_USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', SFTP_TEST_USER]).toString().trim());
  return { uid, gid };
}

export async function startOpenSsh(): Promise<OpenSshServer> {
  const sshd = ensureInstalled();
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? ensureUser() : undefined;
  const username = asRoot ? SFTP_TEST_USER : userInfo().username;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sshd-'));
  const root = join(dir, 'data');
  mkdirSync(root);
  if (owner) chownSync(root, owner.uid, owner.gid);
  const client = generateSshKey('sluice-test');
  const privateKeyPath = join(dir, 'client_ed25519');
  writeFileSync(privateKeyPath, client.privateKey, { mode: 0o600 });
  let server: SshdServer;
  try {
    server = await startSshd({
      sshd,
      configDir: dir,
      username,
      authorizedKeys: [client.publicKey],
      passwordAuthentication: asRoot,
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host: server.host,
    port: server.port,
    username,
    password: asRoot ? PASSWORD : undefined,
    privateKeyPath,
    knownHostsPath: server.knownHostsPath,
    fingerprint: server.fingerprint,
    root,
    log: server.log,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Makes `path` (under the server's root) owned by the login, as files the SFTP user wrote would be. */
export function chownToLogin(path: string): void {
  if (process.getuid?.() !== 0) return;
  const uid = Number(execFileSync('id', ['-u', SFTP_TEST_USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', SFTP_TEST_USER]).toString().trim());
  chownSync(path, uid, gid);
}

/** A `sftp` connection to `server` for a connections file: key login, known_hosts checking; `over` replaces fields. */
export function sftpConnection(server: OpenSshServer, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    connector: 'sftp',
    host: server.host,
    port: server.port,
    username: server.username,
    privateKey: `\${file:${server.privateKeyPath}}`,
    hostKey: { knownHosts: server.knownHostsPath },
    ...over,
  };
}
