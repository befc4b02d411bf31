/**
 * Delivers one staged batch file: uploaded under a temporary name (`.<name>.part`, which readers
 * matching `*.csv` never see), its size checked, then renamed to its final name — the server
 * refuses a rename onto an existing name, so nothing is ever overwritten. A delivery whose outcome
 * is unknown (the connection dropped during the upload or the rename) is settled by the next one:
 * a final-named file with the staged file's size and SHA-256 means it arrived; any other file under
 * that name is a conflict (the batch stays staged); none means it is uploaded again.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { ConfigError, ConnectorError, type SluiceError } from '../../../engine/errors.js';
import type { Logger } from '../../../engine/runtime/logger.js';
import type { SftpSession } from '../client.js';
import { SFTP_ERRORS } from '../errors.js';

export async function localSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Whether `remote` exists with exactly the staged content; throws when another file holds the name. */
async function arrived(
  session: SftpSession,
  remote: string,
  size: number,
  sha256: string,
  local: string,
): Promise<boolean> {
  const existing = await session.stat(remote);
  if (!existing) return false;
  if (existing.size === size && (await session.checksum(remote)) === sha256) return true;
  throw new ConfigError(
    SFTP_ERRORS.batchNameTaken,
    `sftp batch: ${remote} exists already with other content; the batch stays staged in ${local}. ` +
      'Move that file away (if it is an old batch) or put {run} or {time} in the target\u2019s `name`; the next run delivers it',
  );
}

export async function deliver(
  session: SftpSession,
  local: string,
  folder: string,
  name: string,
  logger: Logger,
): Promise<void> {
  const remote = posix.join(folder, name);
  const temp = posix.join(folder, `.${name}.part`);
  const { size } = await stat(local);
  const sha256 = await localSha256(local);
  await session.mkdirs(folder);
  if (await arrived(session, remote, size, sha256, local)) {
    logger.info(
      { file: remote },
      `${remote} was delivered by an earlier attempt (same size and checksum): not sent again`,
    );
    return;
  }
  await session.upload(local, temp);
  const uploaded = await session.stat(temp);
  if (uploaded?.size !== size)
    throw new ConnectorError(
      SFTP_ERRORS.uploadIncomplete,
      `sftp batch: ${temp} holds ${uploaded?.size ?? 'no'} bytes after the upload, not ${size}; it is uploaded again by the next attempt`,
      { retryable: true },
    );
  try {
    await session.rename(temp, remote);
  } catch (err) {
    // Refused: another process renamed a file to that name meanwhile, or this rename's answer was lost.
    if ((err as SluiceError).code !== SFTP_ERRORS.failure || !(await arrived(session, remote, size, sha256, local)))
      throw err;
  }
  logger.info({ file: remote, bytes: size, sha256 }, `${remote} delivered`);
}
