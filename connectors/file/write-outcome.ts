/**
 * Whether a failed write left anything in the target file (`writeOutcome`): `not-applied` when the
 * file is as it was (nothing reached it, or what did was taken back), `unknown` when bytes of a
 * partial write may remain or the new content is in place but not known to be durable.
 */
import { withWriteOutcome, type SluiceError, type WriteOutcomeKnowledge } from '../../engine/errors.js';

/** The same error saying what the write did to the file (a copy, of the same class; `note` is appended). */
export function markWrite(err: SluiceError, writeOutcome: WriteOutcomeKnowledge, note?: string): SluiceError {
  return withWriteOutcome(err, writeOutcome, note);
}
