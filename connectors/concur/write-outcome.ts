/**
 * What a failed Concur call did to the remote, as far as the connector can tell (`writeOutcome`):
 * refused before processing (`not-applied`), or maybe applied (`unknown`, the write is in doubt).
 * HTTP statuses are classified where the error is built (errors.ts), token failures in client.ts
 * (the call never left); this file covers network failures (was anything sent?) and unexpected
 * exceptions after a request may have been sent.
 */
import { asSluiceError, withWriteOutcome, type SluiceError, type WriteOutcomeKnowledge } from '../../engine/errors.js';

export { networkOutcome } from '../../engine/runtime/network-outcome.js';

/** The same error, saying what the remote did with the write (a copy: errors are immutable). */
export function withOutcome(err: SluiceError, writeOutcome: WriteOutcomeKnowledge): SluiceError {
  return withWriteOutcome(err, writeOutcome);
}

/**
 * Any error thrown by a write path after its request may have been sent: kept as classified when
 * it says what happened, else `unknown` (an unexpected exception cannot prove nothing was applied).
 */
export function classifiedAfterSend(raw: unknown): SluiceError {
  const err = asSluiceError(raw);
  return err.writeOutcome !== undefined ? err : withOutcome(err, 'unknown');
}
