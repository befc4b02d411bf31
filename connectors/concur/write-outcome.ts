/**
 * What a failed Concur call did to the remote, as far as the connector can tell (`writeOutcome`):
 * refused before processing (`not-applied`), or maybe applied (`unknown`, the write is in doubt).
 * HTTP statuses are classified where the error is built (errors.ts), token failures in client.ts
 * (the call never left); this file covers network failures (was anything sent?) and unexpected
 * exceptions after a request may have been sent.
 */
import { asSluiceError, withWriteOutcome, type SluiceError, type WriteOutcomeKnowledge } from '../../engine/errors.js';

/** Socket errors that happen before a connection exists: nothing of the request was sent. */
const BEFORE_CONNECT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

interface GotLike {
  code?: unknown;
  /** got's request timings: `connect` is set once a socket is connected (also for a reused one). */
  timings?: { connect?: number; upload?: number };
}

/**
 * A network failure of the engine's HttpClient (`NETWORK_ERROR`, its cause is got's RequestError):
 * `not-applied` when no connection was ever made (refused, DNS, unreachable, or a timeout before
 * the socket connected), `unknown` otherwise (a timeout or reset after bytes may have reached the
 * server, a keep-alive socket closed under the request, anything unrecognised).
 */
export function networkOutcome(err: SluiceError): WriteOutcomeKnowledge {
  const cause = err.cause as GotLike | undefined;
  if (!cause || typeof cause !== 'object') return 'unknown';
  const code = typeof cause.code === 'string' ? cause.code : '';
  const timings = cause.timings;
  if (timings?.upload !== undefined) return 'unknown';
  if (BEFORE_CONNECT.has(code)) return 'not-applied';
  if (timings && timings.connect === undefined) return 'not-applied';
  return 'unknown';
}

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
