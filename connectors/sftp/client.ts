/**
 * One SSH connection with its SFTP channel, opened on first use (never by `open`), counted per
 * operation, and opened again after a call that broke it (a dropped connection, a timeout). Every
 * call goes through `call`, which maps failures to typed errors (errors.ts). Uses ssh2 directly:
 * reads are positional (`read(handle, …, position)`), which the streaming scanner needs.
 */
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { Client, ConnectConfig, FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2';
import type { ByteSource } from '../file/scan.js';
import type { SluiceError } from '../../engine/errors.js';
import { breaksConnection, sftpError } from './errors.js';
import { checkHostKey, type HostKeyCheck } from './host-key.js';

export interface SessionConfig {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  hostKey: HostKeyCheck;
  timeoutMs: number;
}

interface Open {
  client: Client;
  sftp: SFTPWrapper;
  closed: boolean;
  /** Rejects when the connection closes: a request still waiting then never gets its answer. */
  lost: Promise<never>;
}

/** A remote file opened for reading: positional reads, with the SHA-256 of the bytes read in order. */
export interface RemoteReader extends ByteSource {
  /** Hex SHA-256 of everything read so far (the whole file once a scan reached its end). */
  digest(): string;
  close(): Promise<void>;
}

export class SftpSession {
  readonly calls: Record<string, number> = {};
  private opening: Promise<Open> | undefined;

  constructor(private readonly config: SessionConfig) {}

  get apiCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  private count(op: string): void {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
  }

  private connect(): Promise<Open> {
    const c = this.config;
    const where = `sftp ${c.host}:${c.port}`;
    this.count('connect');
    return new Promise<Open>((resolve, reject) => {
      const client = new ssh2.Client();
      let open: Open | undefined;
      let refused: SluiceError | undefined;
      let settled = false;
      const fail = (err: unknown): void => {
        if (settled) return;
        settled = true;
        client.end();
        reject(refused ?? sftpError(err, `${where}: connect`));
      };
      client.once('ready', () => {
        client.sftp((err, sftp) => {
          if (err) return fail(err);
          settled = true;
          const lost = new Promise<never>((_, rejectLost) => {
            client.once('close', () => rejectLost(new Error('connection closed (socket closed before the answer)')));
          });
          lost.catch(() => undefined);
          open = { client, sftp, closed: false, lost };
          resolve(open);
        });
      });
      client.on('error', fail);
      client.once('close', () => {
        if (open) open.closed = true;
        fail(new Error('connection closed during the handshake'));
        this.forget(client);
      });
      const options: ConnectConfig = {
        host: c.host,
        port: c.port,
        username: c.username,
        readyTimeout: c.timeoutMs,
        hostVerifier: (key: Buffer) => {
          refused = checkHostKey(c.hostKey, c.host, c.port, key);
          return refused === undefined;
        },
        ...(c.password !== undefined && { password: c.password }),
        ...(c.privateKey !== undefined && { privateKey: c.privateKey }),
        ...(c.passphrase !== undefined && { passphrase: c.passphrase }),
      };
      try {
        client.connect(options);
      } catch (err) {
        // A malformed key is refused synchronously; its message names no secret.
        fail(err);
      }
    });
  }

  private forget(client: Client): void {
    void this.opening?.then(
      (o) => {
        if (o.client === client) this.opening = undefined;
      },
      () => undefined,
    );
  }

  private async channel(): Promise<Open> {
    const current = await this.opening?.catch(() => undefined);
    if (current?.closed) this.opening = undefined;
    if (!this.opening) {
      const opening = this.connect();
      this.opening = opening;
      opening.catch(() => {
        if (this.opening === opening) this.opening = undefined;
      });
    }
    return this.opening;
  }

  /** Runs one SFTP request; `what` names it in errors (operation and path). */
  async call<T>(
    op: string,
    what: string,
    fn: (sftp: SFTPWrapper, done: (err: unknown, value?: T) => void) => void,
  ): Promise<T> {
    const open = await this.channel();
    this.count(op);
    try {
      return await Promise.race([
        new Promise<T>((resolve, reject) => fn(open.sftp, (err, value) => (err ? reject(err) : resolve(value as T)))),
        open.lost,
      ]);
    } catch (raw) {
      const err = sftpError(raw, `sftp ${what}`);
      if (breaksConnection(err)) this.drop(open);
      throw err;
    }
  }

  private drop(open: Open): void {
    if (this.opening) {
      void this.opening.then(
        (o) => {
          if (o === open) this.opening = undefined;
        },
        () => undefined,
      );
    }
    open.client.end();
  }

  list(folder: string): Promise<FileEntryWithStats[]> {
    return this.call('list', `list ${folder}`, (s, done) => s.readdir(folder, done));
  }

  /** The entry's attributes, or undefined when there is none. */
  async stat(path: string): Promise<Stats | undefined> {
    try {
      return await this.call<Stats>('stat', `stat ${path}`, (s, done) => s.stat(path, done));
    } catch (err) {
      if ((err as SluiceError).code === 'SFTP_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** Creates `folder` and its missing parents. */
  async mkdirs(folder: string): Promise<void> {
    if (await this.stat(folder)) return;
    const parent = folder.replace(/\/[^/]+\/?$/, '');
    if (parent !== '' && parent !== folder) await this.mkdirs(parent);
    try {
      await this.call<void>('mkdir', `mkdir ${folder}`, (s, done) => s.mkdir(folder, done));
    } catch (err) {
      if (!(await this.stat(folder))) throw err; // created meanwhile by someone else: fine
    }
  }

  /** Renames; the server refuses (SFTP_FAILURE) when `to` exists: nothing is overwritten. */
  rename(from: string, to: string): Promise<void> {
    return this.call('rename', `rename ${from} to ${to}`, (s, done) => s.rename(from, to, done));
  }

  remove(path: string): Promise<void> {
    return this.call('remove', `remove ${path}`, (s, done) => s.unlink(path, done));
  }

  /** Uploads a local file to `remote` (created or truncated). */
  upload(local: string, remote: string): Promise<void> {
    return this.call('upload', `upload to ${remote}`, (s, done) => s.fastPut(local, remote, { mode: 0o644 }, done));
  }

  async openRead(path: string): Promise<RemoteReader> {
    const handle = await this.call<Buffer>('open', `open ${path}`, (s, done) => s.open(path, 'r', done));
    const hash = createHash('sha256');
    return {
      read: async (buffer, offset, length, position) => {
        const bytesRead = await this.call<number>('read', `read ${path}`, (s, done) =>
          s.read(handle, buffer, offset, length, position, (err, n) => {
            // SSH_FX_EOF: nothing more to read.
            if (err && (err as { code?: number }).code === 1) return done(undefined, 0);
            done(err, n);
          }),
        );
        hash.update(buffer.subarray(offset, offset + bytesRead));
        return { bytesRead };
      },
      digest: () => hash.copy().digest('hex'),
      close: () => this.call<void>('close', `close ${path}`, (s, done) => s.close(handle, done)).catch(() => undefined),
    };
  }

  /** Hex SHA-256 of a remote file (one streaming read). */
  async checksum(path: string): Promise<string> {
    const reader = await this.openRead(path);
    try {
      const buf = Buffer.allocUnsafe(1 << 16);
      for (let pos = 0; ;) {
        const { bytesRead } = await reader.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) return reader.digest();
        pos += bytesRead;
      }
    } finally {
      await reader.close();
    }
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    if (!opening) return;
    try {
      const open = await opening;
      if (open.closed) return;
      await new Promise<void>((resolve) => {
        open.client.once('close', () => resolve());
        open.client.end();
      });
    } catch {
      // never connected: nothing to close
    }
  }
}
