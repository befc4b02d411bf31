/**
 * A throwaway OpenSSH SFTP server: `sshd -D -e` on a free loopback port with its own sshd_config, a
 * generated ed25519 host key, an AuthorizedKeysFile in its own folder and the internal-sftp
 * subsystem forced for every login. It installs nothing and creates no user: the caller names the
 * sshd binary (`findSshd()`) and the login. `sluice demo` runs the SFTP pipelines against it; the
 * end-to-end tests' server (test/helpers/openssh.ts) is this one plus a test user with a password.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import ssh2 from 'ssh2';

export interface SshdOptions {
  /** The sshd binary. */
  sshd: string;
  /** Folder for the server's own files (config, host key, authorized_keys, known_hosts); created. */
  configDir: string;
  /** The only user allowed to log in. */
  username: string;
  /** Public keys (one OpenSSH line each) that may log in as `username`. */
  authorizedKeys: string[];
  /** Also accept the user's system password (sshd must run as root to check it). Default false. */
  passwordAuthentication?: boolean;
  /** Let root log in with a key (`PermitRootLogin prohibit-password`). Default false. */
  permitRootLogin?: boolean;
  /** The folder a login starts in (internal-sftp -d): relative remote paths resolve against it. */
  startDir?: string;
  /** The port to listen on when it is free (else any free one). */
  port?: number;
}

export interface SshdServer {
  host: string;
  port: number;
  /** A known_hosts file with this server's host key for `[127.0.0.1]:port`. */
  knownHostsPath: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** sshd's output so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export const SSHD_PATHS = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/usr/bin/sshd'];

export function findSshd(): string | undefined {
  return SSHD_PATHS.find((p) => existsSync(p));
}

/**
 * An ed25519 key pair: the private key in OpenSSH format (no passphrase), the public key as one line.
 * ssh2 (1.17) writes a public key that starts with a zero byte without it, as 31 bytes: OpenSSH
 * refuses such a key ("error in libcrypto"), about one key in 256. Such a pair is drawn again.
 */
export function generateSshKey(comment: string): { privateKey: string; publicKey: string } {
  for (;;) {
    const k = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (ed25519KeyLength(k.public) === 32) return { privateKey: k.private, publicKey: k.public };
  }
}

/** The length of the key in an `ssh-ed25519 <base64>` line's blob (string type, then string key). */
export function ed25519KeyLength(publicKey: string): number {
  const blob = Buffer.from(publicKey.trim().split(/\s+/)[1] ?? '', 'base64');
  if (blob.length < 4) return -1;
  const typeEnd = 4 + blob.readUInt32BE(0);
  if (blob.length < typeEnd + 4) return -1;
  return blob.readUInt32BE(typeEnd);
}

/** `SHA256:<base64 without padding>` of an OpenSSH public key line. */
export function sshFingerprint(publicKey: string): string {
  const blob = Buffer.from(publicKey.trim().split(/\s+/)[1]!, 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** A loopback port nobody listens on: `wanted` when it is free, else one the system picks. */
export async function freePort(wanted?: number): Promise<number> {
  if (wanted !== undefined) {
    try {
      return await listenOn(wanted);
    } catch {
      // taken: any other
    }
  }
  return listenOn(0);
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
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

/** An sshd_config argument, quoted when it has blanks. */
function arg(value: string): string {
  if (/["\\]/.test(value)) throw new Error(`sshd: unsupported character in path ${value}`);
  return /\s/.test(value) ? `"${value}"` : value;
}

const PLAIN_PATH = /^[\w/.@+:,=-]+$/;

/**
 * A path for `internal-sftp -d`, which cannot be quoted (sshd unquotes its ForceCommand line and
 * internal-sftp splits it again at blanks; a folder it cannot enter silently leaves the login in its
 * home): the folder itself, or a link to it in a fresh temp folder (`cleanup` removes that).
 */
function startPath(dir: string): { path: string; cleanup(): void } {
  if (PLAIN_PATH.test(dir)) return { path: dir, cleanup: () => {} };
  const holder = mkdtempSync(join(tmpdir(), 'sluice-sshd-'));
  const path = join(holder, 'start');
  if (!PLAIN_PATH.test(path)) {
    rmSync(holder, { recursive: true, force: true });
    throw new Error(`sshd: neither ${dir} nor the temp folder ${holder} is a path without blanks or quotes`);
  }
  symlinkSync(dir, path);
  return { path, cleanup: () => rmSync(holder, { recursive: true, force: true }) };
}

function sshdConfig(o: SshdOptions, port: number, hostKey: string, authorizedKeys: string, start?: string): string {
  const sftp = `internal-sftp${start === undefined ? '' : ` -d ${start}`}`;
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${arg(hostKey)}`,
    'PidFile none',
    `AuthorizedKeysFile ${arg(authorizedKeys)}`,
    'StrictModes no',
    'PubkeyAuthentication yes',
    `PasswordAuthentication ${o.passwordAuthentication ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    `PermitRootLogin ${o.permitRootLogin ? 'prohibit-password' : 'no'}`,
    `AllowUsers ${o.username}`,
    `Subsystem sftp ${sftp}`,
    `ForceCommand ${sftp}`,
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'LogLevel INFO',
    'MaxStartups 100',
    '',
  ].join('\n');
}

export async function startSshd(o: SshdOptions): Promise<SshdServer> {
  mkdirSync(o.configDir, { recursive: true });
  chmodSync(o.configDir, 0o755); // sshd reads the AuthorizedKeysFile as the user
  const host = generateSshKey('sluice-sshd-host');
  const hostKey = join(o.configDir, 'host_ed25519');
  writeFileSync(hostKey, host.privateKey, { mode: 0o600 });
  chmodSync(hostKey, 0o600);
  const authorizedKeys = join(o.configDir, 'authorized_keys');
  writeFileSync(authorizedKeys, o.authorizedKeys.map((k) => `${k.trim()}\n`).join(''), { mode: 0o644 });
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation
  const port = await freePort(o.port);
  const config = join(o.configDir, 'sshd_config');
  const start = o.startDir === undefined ? undefined : startPath(o.startDir);
  writeFileSync(config, sshdConfig(o, port, hostKey, authorizedKeys, start?.path));
  let output = '';
  const child = spawn(o.sshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    start?.cleanup();
  };
  try {
    await Promise.race([
      waitForBanner(
        port,
        () => child.exitCode !== null,
        () => output,
      ),
      spawnFailed.then((err) => Promise.reject(err)),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  const [type, key] = host.publicKey.trim().split(/\s+/);
  const knownHostsPath = join(o.configDir, 'known_hosts');
  writeFileSync(knownHostsPath, `[127.0.0.1]:${port} ${type} ${key}\n`);
  return {
    host: '127.0.0.1',
    port,
    knownHostsPath,
    fingerprint: sshFingerprint(host.publicKey),
    log: () => output,
    stop,
  };
}
