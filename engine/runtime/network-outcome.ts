/**
 * What a network failure of the engine's HttpClient did to a write, as far as a client can tell
 * (shared by every HTTP connector): was anything of the request sent?
 */
import type { SluiceError, WriteOutcomeKnowledge } from '../errors.js';

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
