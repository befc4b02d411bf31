/**
 * Test support: a real OpenSSH server per test file (test/helpers/openssh.ts) with connection
 * configs for it, and its folders written and read directly on disk (the server is local).
 */
import { chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.js';
import { startOpenSsh, type OpenSshServer } from '../../test/helpers/openssh.js';
import type { SftpConfig } from './config.js';

export interface SftpHarness {
  server(): OpenSshServer;
  /** Key auth, host key checked against the server's known_hosts file; `overrides` win. */
  config(overrides?: Partial<SftpConfig>): SftpConfig;
  /** Absolute remote (and local) path of a folder under the server's root, created (owned by the login). */
  folder(name: string): string;
  write(path: string, content: string | Buffer): void;
  read(path: string): string;
  ls(folder: string): string[];
  /** A fresh local spool folder. */
  spool(): string;
}

export function useSftpServer(): SftpHarness {
  let server: OpenSshServer | undefined;
  beforeAll(async () => {
    server = await startOpenSsh();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const s = (): OpenSshServer => {
    if (!server) throw new Error('the OpenSSH test server is not started (beforeAll failed?)');
    return server;
  };
  // What the test writes belongs to the login, as if it had uploaded it (the server root is its).
  const own = (path: string): void => {
    const { uid, gid } = statSync(s().root);
    chownSync(path, uid, gid);
  };
  return {
    server: s,
    config: (overrides = {}) => ({
      host: s().host,
      port: s().port,
      username: s().username,
      privateKey: readFileSync(s().privateKeyPath, 'utf8'),
      hostKey: { knownHosts: s().knownHostsPath },
      timeoutMs: 5000,
      ...overrides,
    }),
    folder: (name) => {
      const path = join(s().root, name);
      mkdirSync(path, { recursive: true });
      own(path);
      return path;
    },
    write: (path, content) => {
      writeFileSync(path, content);
      own(path);
    },
    read: (path) => readFileSync(path, 'utf8'),
    ls: (folder) => readdirSync(folder).sort(),
    spool: () => tempDir('sluice-sftp-spool-'),
  };
}
