/** What the contract check reports: one mismatch per problem, with enough to find it again. */
import type { SystemExchange } from '../../engine/emulator-kit/recorder.js';

/** A recorded exchange and the test it happened in. */
export type TestExchange = SystemExchange & { test: string };

export interface Mismatch {
  test: string;
  system: string;
  /** `METHOD url` of the request on the wire (a `$batch` part adds `part N: METHOD url`). */
  request: string;
  /** Whether the request, the response or the operation itself breaks the spec. */
  side: 'request' | 'response' | 'operation';
  message: string;
  /** JSON pointer into the body, when the problem is in a body. */
  at?: string;
  /** Where the spec says so: `file#/pointer` or `metadata-v1.xml: EntityType JournalEntry`. */
  spec?: string;
}
