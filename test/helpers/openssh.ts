/**
 * A throwaway OpenSSH SFTP server for the sftp connector's tests: installs `openssh-server` with
 * apt-get when no `sshd` is present (as the MariaDB helper does), and starts one `sshd -D -e` per
 * test file on a free loopback port with its own config, a generated ed25519 host key and client
 * key, an AuthorizedKeysFile in the temp dir, and the internal-sftp subsystem forced for every login.
 *
 * Logins: as root, a dedicated system user `sluice-sftp` (created with useradd when absent; its
 * password is set with chpasswd to the test-only PASSWORD) owns the data folder and may log in with
 * the generated key or the password. Not as root, sshd runs as the current user (key auth only: it
 * cannot check passwords) and `password` is undefined. No chroot: the data folder is a temp dir and
 * tests use its absolute path (`root`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './mariadb.js';

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

function findSshd(): string | undefined {
  return ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/usr/bin/sshd'].find((p) => existsSync(p));
}

function ensureInstalled(): string {
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

function keygen(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'sluice-test', '-f', path], { stdio: 'pipe' });
}

function waitForBanner(port: number, exited: () => boolean, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (exited()) return reject(new Error(`sshd exited:\n${log()}`));
      const sock = createConnection(port, '127.0.0.1');
      sock.once('data', (d: Buffer) => {
        sock.destroy();
        if (d.toString('latin1').startsWith('SSH-')) resolve();
        else reject(new Error(`not an SSH banner: ${d.toString('latin1')}`));
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd did not come up:\n${log()}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

export async function startOpenSsh(): Promise<OpenSshServer> {
  const sshd = ensureInstalled();
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? ensureUser() : undefined;
  const username = asRoot ? SFTP_TEST_USER : userInfo().username;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sshd-'));
  chmodSync(dir, 0o755); // sshd reads the AuthorizedKeysFile as the user
  const root = join(dir, 'data');
  mkdirSync(root);
  if (owner) chownSync(root, owner.uid, owner.gid);
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${clientKey}.pub`), { mode: 0o644 });
  if (asRoot) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      'PidFile none',
      `AuthorizedKeysFile ${authorizedKeys}`,
      'StrictModes no',
      'PubkeyAuthentication yes',
      `PasswordAuthentication ${asRoot ? 'yes' : 'no'}`,
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin no',
      `AllowUsers ${username}`,
      'Subsystem sftp internal-sftp',
      'ForceCommand internal-sftp',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'LogLevel INFO',
      'MaxStartups 100',
      '',
    ].join('\n'),
  );
  let output = '';
  const child = spawn(sshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForBanner(
      port,
      () => child.exitCode !== null,
      () => output,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const hostPub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, `[127.0.0.1]:${port} ${hostPub[0]} ${hostPub[1]}\n`);
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`])
    .toString()
    .split(/\s+/)[1]!;
  return {
    host: '127.0.0.1',
    port,
    username,
    password: asRoot ? PASSWORD : undefined,
    privateKeyPath: clientKey,
    knownHostsPath,
    fingerprint,
    root,
    log: () => output,
    stop,
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
