/**
 * What a network failure did to a write, as far as the connector can tell: `not-applied` when no
 * connection was ever made (refused, DNS, unreachable, a timeout before the socket connected),
 * `unknown` otherwise (a timeout or reset after bytes may have reached the server). Unknown
 * creates are in doubt: the engine looks them up by key before anything re-sends them.
 */
import type { SluiceError, WriteOutcomeKnowledge } from '../../engine/errors.js';

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

/** Of a NETWORK_ERROR from the engine's HttpClient (its cause is got's RequestError). */
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
