/**
 * Whether a failed write left anything in the target file (`writeOutcome`): `not-applied` when the
 * file is as it was (nothing reached it, or what did was taken back), `unknown` when bytes of a
 * partial write may remain or the new content is in place but not known to be durable.
 */
import { ConnectorError, RecordError, type SluiceError, type WriteOutcomeKnowledge } from '../../engine/errors.js';

/** The same error saying what the write did to the file (a copy, of the same class; `note` is appended). */
export function markWrite(err: SluiceError, writeOutcome: WriteOutcomeKnowledge, note?: string): SluiceError {
  if (err.writeOutcome === writeOutcome && note === undefined) return err;
  const Kind = err instanceof RecordError ? RecordError : ConnectorError;
  return new Kind(err.code, note ? `${err.message}; ${note}` : err.message, {
    retryable: err.retryable,
    ...(err.retryAfterMs !== undefined && { retryAfterMs: err.retryAfterMs }),
    ...(err.location && { location: err.location }),
    ...(err.recordKey !== undefined && { recordKey: err.recordKey }),
    ...(err.status !== undefined && { status: err.status }),
    ...(err.remoteCode !== undefined && { remoteCode: err.remoteCode }),
    ...(err.details && { details: err.details }),
    reasonClass: err.reasonClass,
    writeOutcome,
    cause: err.cause ?? err,
  });
}
