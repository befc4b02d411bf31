/**
 * `FileHandle.write` may write fewer bytes than asked (a full disk, a signal, a network file
 * system): this writes them all, or throws with what the system said. Without a position it writes
 * at the handle's current position, as `write` does.
 */
import type { FileHandle } from 'node:fs/promises';

export async function writeAll(fh: FileHandle, data: Buffer, position?: number): Promise<void> {
  for (let done = 0; done < data.length;) {
    const { bytesWritten } = await fh.write(
      data,
      done,
      data.length - done,
      position === undefined ? null : position + done,
    );
    if (bytesWritten <= 0) throw Object.assign(new Error('the write made no progress'), { code: 'EIO' });
    done += bytesWritten;
  }
}
