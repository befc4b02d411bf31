/**
 * The connection config (config.schema.json is where each fact is written) and the session config
 * it resolves to: known_hosts read from its file (relative to connections.yaml), defaults applied.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadJsonSchema } from '../../engine/connector/load-schema.js';
import type { JsonSchema } from '../../engine/connector/types.js';
import { ConfigError } from '../../engine/errors.js';
import type { SessionConfig } from './client.js';
import { SFTP_ERRORS } from './errors.js';

export const configSchema: JsonSchema = loadJsonSchema(new URL('./config.schema.json', import.meta.url));

/** A connections.yaml entry, as validated against config.schema.json. */
export interface SftpConfig {
  host: string;
  port?: number;
  username: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  hostKey: { knownHosts: string } | { fingerprint: string };
  timeoutMs?: number;
  spoolDir?: string;
}

export function sessionConfig(config: SftpConfig, baseDir: string): SessionConfig {
  let hostKey: SessionConfig['hostKey'];
  if ('knownHosts' in config.hostKey) {
    const path = resolve(baseDir, config.hostKey.knownHosts);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(
        SFTP_ERRORS.config,
        `sftp ${config.host}: hostKey.knownHosts ${path} cannot be read (${(err as Error).message}); create it with the server's key line, or pin hostKey.fingerprint instead`,
        { cause: err },
      );
    }
    hostKey = { knownHosts: { path, text } };
  } else {
    hostKey = { fingerprint: config.hostKey.fingerprint };
  }
  return {
    host: config.host,
    port: config.port ?? 22,
    username: config.username,
    ...(config.password !== undefined && { password: config.password }),
    ...(config.privateKey !== undefined && { privateKey: config.privateKey }),
    ...(config.passphrase !== undefined && { passphrase: config.passphrase }),
    hostKey,
    timeoutMs: config.timeoutMs ?? 20_000,
  };
}

/** Local folder the batch targets of this connection stage their files in. */
export function spoolRoot(config: SftpConfig, baseDir: string, connectionName: string): string {
  return resolve(baseDir, config.spoolDir ?? `.sluice-sftp/${connectionName}`);
}
