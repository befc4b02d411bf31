/**
 * The demo environment: the Concur, SAP Business One and AR-platform emulators seeded with the demo company, the
 * ERP database, optionally an SFTP server (sftp.ts), and a connections.yaml that points the shipped
 * pipelines at them. `sluice demo` runs the pipelines against it; the end-to-end tests use the very
 * same environment. The pipelines are the files a consultant deploys: only connections.yaml differs.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SystemExchange } from '../../engine/emulator-kit/recorder.js';
import { stringify } from 'yaml';
import type { ArPlatformEmulator, ArPlatformEmulatorOptions } from '../../connectors/ar-platform/emulator/index.js';
import type { ConcurEmulator } from '../../connectors/concur/emulator/index.js';
import type { ConcurEmulatorOptions } from '../../connectors/concur/emulator/options.js';
import type { SapB1Emulator } from '../../connectors/sap-b1/emulator/index.js';
import type { SapB1EmulatorOptions } from '../../connectors/sap-b1/emulator/options.js';
import { startEmulators } from './emulators.js';
import { seedErpDatabase } from './erp-db.js';
import { PIPELINES_DIR } from './pipelines.js';
import { loadPorts, savePorts } from './ports.js';
import { demoSshd, NO_SSHD, startDemoSftp, type DemoSftp } from './sftp.js';
import { loadEmulatorStates, saveEmulatorStates } from './snapshot.js';

export { PIPELINES_DIR };

export interface DemoEnvironmentOptions {
  /** Working directory: connections.yaml, the state store and (by default) the ERP database go here. */
  dir: string;
  /** ERP database URL (`mysql://...` for MariaDB); default a SQLite file in `dir`. Seeded unless `seedErp` is false. */
  erpDbUrl?: string;
  seedErp?: boolean;
  /**
   * Keep the systems' state in `dir` between invocations: the emulators start from what the last
   * invocation left (saved by `close()`), an existing ERP database file is not seeded again, the SFTP
   * server's folder stays, and the servers take their last ports again when free (ports.ts).
   */
  persist?: boolean;
  /**
   * Also start an SFTP server for the `ar-sftp` connection when an sshd binary is there (sftp.ts;
   * `SLUICE_DEMO_SSHD` names one, or `none`). Default false.
   */
  sftp?: boolean;
  concur?: ConcurEmulatorOptions;
  b1?: SapB1EmulatorOptions;
  ar?: ArPlatformEmulatorOptions;
  /**
   * Receives every exchange with either emulator as it went over the wire (engine/emulator-kit/recorder.ts),
   * tagged `concur`, `sap-b1` or `ar-platform`: the end-to-end tests hold it against the vendors' specs (test/contract/).
   */
  traffic?: (exchange: SystemExchange) => void;
}

export interface DemoEnvironment {
  dir: string;
  connectionsPath: string;
  /** `sqlite:<dir>/state.db`: the embedded state store of the demo. */
  stateUrl: string;
  /** Secrets the connections file references (`${env:...}`): pass them to sluice's environment. */
  env: Record<string, string>;
  erpDbUrl: string;
  concur: ConcurEmulator;
  b1: SapB1Emulator;
  ar: ArPlatformEmulator;
  /** The SFTP server, when `sftp` was asked for and could start; else why not (`sftpMissing`). */
  sftp?: DemoSftp;
  sftpMissing?: string;
  close(): Promise<void>;
}

async function sftpServer(
  o: DemoEnvironmentOptions,
  port: number | undefined,
): Promise<{ sftp?: DemoSftp; sftpMissing?: string }> {
  if (!o.sftp) return {};
  const sshd = demoSshd();
  if (!sshd) return { sftpMissing: NO_SSHD };
  try {
    return { sftp: await startDemoSftp(o.dir, sshd, o.persist !== true, port) };
  } catch (err) {
    return { sftpMissing: `${sshd} did not start: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}` };
  }
}

/** Splits `mysql://user:password@host/db` into a URL with a `${env:ERP_DB_PASSWORD}` reference and the password. */
function erpConnection(url: string): { url: string; password?: string } {
  if (!url.startsWith('mysql://')) return { url };
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const bare = u.toString().replace(/^mysql:\/\/([^@]*)@/, 'mysql://$1:${env:ERP_DB_PASSWORD}@');
  return { url: bare, password };
}

const portOf = (url: string): number => Number(new URL(url).port);

export async function startDemoEnvironment(options: DemoEnvironmentOptions): Promise<DemoEnvironment> {
  mkdirSync(options.dir, { recursive: true });
  const portsFile = join(options.dir, 'ports.json');
  const ports = options.persist ? loadPorts(portsFile) : {};
  const { concur, b1, ar } = await startEmulators(options, ports);
  const { traffic } = options;
  if (traffic) {
    concur.recordTraffic((x) => traffic({ system: 'concur', ...x }));
    b1.recordTraffic((x) => traffic({ system: 'sap-b1', ...x }));
  }
  const erpFile = join(options.dir, 'erp.db');
  const erpDbUrl = options.erpDbUrl ?? `sqlite:${erpFile}`;
  const statesFile = join(options.dir, 'emulators.json');
  const states = { concur: concur.state, b1: b1.state, ar: ar.store.collections };
  if (options.persist) loadEmulatorStates(statesFile, states);
  const keepErp = options.persist === true && options.erpDbUrl === undefined && existsSync(erpFile);
  try {
    if (options.seedErp !== false && !keepErp) await seedErpDatabase(erpDbUrl);
  } catch (err) {
    await Promise.all([concur.close(), b1.close(), ar.close()]);
    throw err;
  }
  const { sftp, sftpMissing } = await sftpServer(options, ports.sftp);
  if (options.persist)
    savePorts(portsFile, {
      concur: portOf(Object.values(concur.regions)[0] ?? concur.baseUrl), // its regions take the next ports
      b1: portOf(b1.url),
      ar: portOf(ar.url),
      ...((sftp?.port ?? ports.sftp) !== undefined && { sftp: sftp?.port ?? ports.sftp }), // kept while not started
    });
  const erp = erpConnection(erpDbUrl);
  const c = concur.credentials;
  const env: Record<string, string> = {
    CONCUR_CLIENT_SECRET: c.clientSecret,
    CONCUR_REQUEST_TOKEN: c.requestToken,
    B1_PASSWORD: 'manager',
    AR_CLIENT_SECRET: ar.credentials.clientSecret,
    ...(erp.password !== undefined && { ERP_DB_PASSWORD: erp.password }),
    ...sftp?.env,
  };
  const connections = {
    connections: {
      concur: {
        connector: 'concur',
        authUrl: concur.tokenUrl,
        clientId: c.clientId,
        clientSecret: '${env:CONCUR_CLIENT_SECRET}',
        companyUuid: c.companyUuid,
        requestToken: '${env:CONCUR_REQUEST_TOKEN}',
        retry: { attempts: 5, baseDelayMs: 20, maxDelayMs: 200 },
        provisioning: { pollIntervalMs: 20 },
      },
      b1: {
        connector: 'sap-b1',
        serviceUrl: b1.url,
        companyDb: b1.companyDb,
        username: 'manager',
        password: '${env:B1_PASSWORD}',
        retry: { attempts: 5, baseDelayMs: 20, maxDelayMs: 200 },
      },
      ar: {
        connector: 'http',
        baseUrl: `${ar.url}/v1/`,
        auth: {
          type: 'oauth2-client-credentials',
          tokenUrl: ar.tokenUrl,
          clientId: ar.credentials.clientId,
          clientSecret: '${env:AR_CLIENT_SECRET}',
        },
        retry: { attempts: 5, baseDelayMs: 20, maxDelayMs: 200, statuses: [429, 502, 503, 504] },
      },
      'erp-db': { connector: 'sql', url: erp.url },
      ...(sftp && { 'ar-sftp': sftp.connection }),
      mappings: { connector: 'file', baseDir: join(PIPELINES_DIR, 'mappings') },
    },
  };
  const connectionsPath = join(options.dir, 'connections.yaml');
  writeFileSync(
    connectionsPath,
    `# Demo connections: the shipped pipelines pointed at the local emulators.\n${stringify(connections)}`,
  );
  return {
    dir: options.dir,
    connectionsPath,
    stateUrl: `sqlite:${join(options.dir, 'state.db')}`,
    env,
    erpDbUrl,
    concur,
    b1,
    ar,
    ...(sftp && { sftp }),
    ...(sftpMissing !== undefined && { sftpMissing }),
    close: async () => {
      if (options.persist) saveEmulatorStates(statesFile, states);
      await Promise.all([concur.close(), b1.close(), ar.close(), sftp?.stop()]);
    },
  };
}
