/**
 * Errors of the sftp connector. SFTP status codes (SSH_FX_*) and SSH-level failures become typed
 * errors: a lost or refused connection and timeouts are retryable; missing files, permissions and
 * refused host keys are not. Messages name the operation and the remote path, never credentials.
 */
import { AuthError, ConfigError, ConnectorError, type SluiceError } from '../../engine/errors.js';

export const SFTP_ERRORS = {
  /** The server cannot be reached, or the connection dropped (retryable). */
  unavailable: 'SFTP_UNAVAILABLE',
  /** Connecting or authenticating took longer than `timeoutMs` (retryable). */
  timeout: 'SFTP_TIMEOUT',
  /** The server's host key is not in known_hosts, differs from it, or from the pinned fingerprint. */
  hostKey: 'SFTP_HOST_KEY_REJECTED',
  /** No such file or folder (SSH_FX_NO_SUCH_FILE). */
  notFound: 'SFTP_NOT_FOUND',
  /** The login may not do this (SSH_FX_PERMISSION_DENIED). */
  accessDenied: 'SFTP_ACCESS_DENIED',
  /** The server refused the operation (SSH_FX_FAILURE: e.g. renaming onto an existing name). */
  failure: 'SFTP_FAILURE',
  /** A batch's final name exists on the server with other content. */
  batchNameTaken: 'SFTP_BATCH_NAME_TAKEN',
  /** The uploaded temporary file is not the size of the staged batch. */
  uploadIncomplete: 'SFTP_UPLOAD_INCOMPLETE',
  /** The processed-files entry of an inbox kept changing under concurrent writers (retryable). */
  ledgerBusy: 'SFTP_LEDGER_BUSY',
  /** known_hosts cannot be read, or a config value cannot be used. */
  config: 'SFTP_CONFIG_INVALID',
} as const;

/** SSH_FX_* status codes (draft-ietf-secsh-filexfer-02, the version OpenSSH speaks). */
const FX = { EOF: 1, NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4, CONNECTION_LOST: 7 } as const;

const NETWORK_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

interface Ssh2Error {
  code?: number | string;
  level?: string;
  message?: string;
}

/** The typed error of a failed connect or SFTP call; `what` names the operation and path. */
export function sftpError(err: unknown, what: string): SluiceError {
  if (err instanceof ConnectorError || err instanceof ConfigError) return err;
  const e = (err ?? {}) as Ssh2Error;
  const reason = e.message ?? String(err);
  if (e.level === 'client-authentication')
    return new AuthError(
      `${what}: the server refused the credentials (${reason}); check username, password or privateKey`,
      { cause: err },
    );
  if (e.level === 'client-timeout')
    return new ConnectorError(SFTP_ERRORS.timeout, `${what}: ${reason}`, { cause: err, retryable: true });
  if (e.code === FX.NO_SUCH_FILE)
    return new ConnectorError(SFTP_ERRORS.notFound, `${what}: no such file or folder`, {
      cause: err,
      remoteCode: 'SSH_FX_NO_SUCH_FILE',
    });
  if (e.code === FX.PERMISSION_DENIED)
    return new ConnectorError(SFTP_ERRORS.accessDenied, `${what}: permission denied for this login`, {
      cause: err,
      remoteCode: 'SSH_FX_PERMISSION_DENIED',
      reasonClass: 'config',
    });
  if (e.code === FX.FAILURE)
    return new ConnectorError(SFTP_ERRORS.failure, `${what}: the server refused it (${reason})`, {
      cause: err,
      remoteCode: 'SSH_FX_FAILURE',
    });
  const network =
    (typeof e.code === 'string' && NETWORK_ERRNO.has(e.code)) ||
    e.code === FX.CONNECTION_LOST ||
    e.level === 'client-socket' ||
    /no response|not connected|connection (lost|closed|reset)|channel (closed|open failure)|socket/i.test(reason);
  const remote = typeof e.code === 'string' ? { remoteCode: e.code } : {};
  if (!network) return new ConnectorError(SFTP_ERRORS.failure, `${what}: ${reason}`, { cause: err, ...remote });
  return new ConnectorError(SFTP_ERRORS.unavailable, `${what}: the connection failed (${reason})`, {
    cause: err,
    retryable: true,
    ...remote,
  });
}

/** Whether a failed call leaves the SSH connection unusable (it is dropped and opened again). */
export function breaksConnection(err: SluiceError): boolean {
  return err.code === SFTP_ERRORS.unavailable || err.code === SFTP_ERRORS.timeout;
}

export function hostKeyError(message: string): ConfigError {
  return new ConfigError(SFTP_ERRORS.hostKey, message, { reasonClass: 'config', writeOutcome: 'not-applied' });
}
