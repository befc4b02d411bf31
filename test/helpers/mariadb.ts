/**
 * A throwaway MariaDB server for the MySQL-path tests: installs `mariadb-server` with apt-get when no
 * server binary is present, initialises a data directory in a temp dir, starts `mariadbd` on a free
 * loopback port, creates a test user, and stops and removes everything at the end.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

export interface MariaDbServer {
  /** mysql://user:pass@127.0.0.1:port/ (no database: each test creates its own). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'sluice_test';
const PASSWORD = 'sluice-test-only';

function findBinary(names: string[]): string | undefined {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
    for (const n of names) if (existsSync(join(dir, n))) return join(dir, n);
  }
  return undefined;
}

function ensureInstalled(): { server: string; installDb: string } {
  let server = findBinary(['mariadbd', 'mysqld']);
  if (!server) {
    if (process.getuid?.() !== 0) {
      throw new Error(
        'no MariaDB server binary found and not root: install mariadb-server (apt-get install mariadb-server) and rerun',
      );
    }
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'mariadb-server'], {
        stdio: 'inherit',
        env,
      });
    } catch {
      execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'mariadb-server'], {
        stdio: 'inherit',
        env,
      });
    }
    server = findBinary(['mariadbd', 'mysqld']);
    if (!server) throw new Error('mariadb-server installed but no mariadbd binary found');
  }
  const installDb = findBinary(['mariadb-install-db', 'mysql_install_db']);
  if (!installDb) throw new Error('mariadb-install-db not found');
  return { server, installDb };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForSocket(socketPath: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mariadbd exited with ${child.exitCode}:\n${log()}`);
    try {
      const conn = await mysql.createConnection({ socketPath, user: 'root' });
      await conn.end();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`mariadbd did not come up: ${(err as Error).message}\n${log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function startMariaDb(): Promise<MariaDbServer> {
  const { server, installDb } = ensureInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-mariadb-'));
  const datadir = join(dir, 'data');
  // Its own tmpdir: concurrent test runs on one machine otherwise share /tmp for the server's
  // temporary tables, and a bootstrap once failed there ("Could not remove temporary table").
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const socket = join(dir, 'mysqld.sock');
  const asRoot = process.getuid?.() === 0;
  execFileSync(
    installDb,
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--tmpdir=${tmp}`,
      '--auth-root-authentication-method=socket',
      '--skip-test-db',
      ...(asRoot ? ['--user=root'] : []),
    ],
    {
      stdio: 'pipe',
    },
  );
  const port = await freePort();
  let output = '';
  const child = spawn(
    server,
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--tmpdir=${tmp}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=64M',
      '--innodb-log-file-size=16M',
      '--skip-log-bin',
      ...(asRoot ? ['--user=root'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = new Promise((r) => setTimeout(r, 5_000).unref());
      await Promise.race([exited, timer]);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForSocket(socket, child, () => output);
    const conn = await mysql.createConnection({ socketPath: socket, user: 'root' });
    await conn.query(`CREATE USER '${USER}'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}'`);
    await conn.query(`GRANT ALL PRIVILEGES ON *.* TO '${USER}'@'127.0.0.1' WITH GRANT OPTION`);
    await conn.end();
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `mysql://${USER}:${PASSWORD}@127.0.0.1:${port}/`, port, stop };
}
