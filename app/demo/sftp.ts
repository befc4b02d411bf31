/**
 * The demo's SFTP server (sftp-server.ts), for the two SFTP pipelines: started only when an sshd
 * binary is there (nothing is installed and no user is made), logging in as the current user with
 * a generated key only, on loopback. The login starts in `<dir>/sftp`, so the shipped pipelines'
 * relative folders (inbound/invoices, outbound/remittances) are under it; that folder stays
 * between `sluice demo` invocations like the rest of the demo's state, and the remittance file is
 * dropped in the inbox when the folder is first made. The server's own files (host key, config) are
 * in `<dir>/.sftp-server` while it runs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PIPELINES_DIR } from './pipelines.js';
import { DEMO_REMITTANCE, DEMO_REMITTANCE_FILE, writeRemittanceFile } from './remittance.js';
import { findSshd, generateSshKey, startSshd, type SshdServer } from './sftp-server.js';

export const NO_SSHD = 'no sshd found: apt-get install openssh-server';

export interface DemoSftp {
  host: string;
  port: number;
  /** The folder the login starts in: the pipelines' relative folders are under it. */
  root: string;
  /** The remittance inbox, where its files are archived, and the batch pipeline's outbox, under `root`. */
  inbox: string;
  archive: string;
  outbox: string;
  /** The `ar-sftp` entry of the demo's connections.yaml. */
  connection: Record<string, unknown>;
  /** The secret it references. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The sshd to run: `SLUICE_DEMO_SSHD` (a path, or `none` for no SFTP server), else the usual places. */
export function demoSshd(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env.SLUICE_DEMO_SSHD;
  if (chosen === undefined || chosen === '') return findSshd();
  return chosen !== 'none' && existsSync(chosen) ? chosen : undefined;
}

function pipelineOptions(name: string, part: 'source' | 'target'): { folder: string; archive?: string } {
  const p = parse(readFileSync(join(PIPELINES_DIR, `${name}.yaml`), 'utf8')) as Record<
    string,
    { options: { folder: string; archive?: string } }
  >;
  return p[part]!.options;
}

/** The files in a folder of the server, by name (none when it does not exist yet). */
export function sftpFiles(folder: string): string[] {
  return existsSync(folder)
    ? readdirSync(folder, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort()
    : [];
}

/**
 * Starts the server (on `port` when it is free); `fresh` empties its folder first (the emulators
 * start from their seed too).
 */
export async function startDemoSftp(dir: string, sshd: string, fresh: boolean, port?: number): Promise<DemoSftp> {
  const root = join(dir, 'sftp');
  const source = pipelineOptions('sftp-remittances-to-sap-b1', 'source');
  const inbox = join(root, source.folder);
  const archive = join(root, source.archive!);
  const outbox = join(root, pipelineOptions('sap-b1-open-invoices-to-sftp', 'target').folder);
  if (fresh) rmSync(root, { recursive: true, force: true });
  if (!existsSync(root)) {
    mkdirSync(inbox, { recursive: true });
    await writeRemittanceFile(join(inbox, DEMO_REMITTANCE_FILE), DEMO_REMITTANCE);
  }
  const configDir = join(dir, '.sftp-server');
  rmSync(configDir, { recursive: true, force: true });
  const client = generateSshKey('sluice-demo');
  const username = userInfo().username;
  let server: SshdServer;
  try {
    server = await startSshd({
      sshd,
      configDir,
      username,
      authorizedKeys: [client.publicKey],
      permitRootLogin: process.getuid?.() === 0,
      startDir: root,
      ...(port !== undefined && { port }),
    });
  } catch (err) {
    rmSync(configDir, { recursive: true, force: true });
    throw err;
  }
  return {
    host: server.host,
    port: server.port,
    root,
    inbox,
    archive,
    outbox,
    connection: {
      connector: 'sftp',
      host: server.host,
      port: server.port,
      username,
      privateKey: '${env:AR_SFTP_PRIVATE_KEY}',
      hostKey: { knownHosts: server.knownHostsPath },
    },
    env: { AR_SFTP_PRIVATE_KEY: client.privateKey },
    stop: async () => {
      await server.stop();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}
