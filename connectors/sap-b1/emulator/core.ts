/** The emulator's shared state, handed to request handlers. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Traffic } from '../../../engine/emulator-kit/traffic.js';
import type { EmulatorClock } from './clock.js';
import type { Counters } from './counters.js';
import type { Dialect } from './dialect.js';
import type { SapB1Events, WriteJournal } from './events.js';
import type { FaultRegistry } from './faults.js';
import type { ResolvedEmulatorOptions } from './options.js';
import type { SessionRegistry } from './sessions.js';
import type { EntityStore } from './store.js';

export interface EmulatorCore {
  options: ResolvedEmulatorOptions;
  store: EntityStore;
  sessions: SessionRegistry;
  clock: EmulatorClock;
  faults: FaultRegistry;
  counters: Counters;
  events: SapB1Events;
  traffic: Traffic;
}

/** One request, parsed. */
export interface EmulatorRequest {
  method: string;
  /** Path below /b1s/vN/, percent-decoded, without the query. */
  path: string;
  /** The query string exactly as sent (no leading `?`). */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  dialect: Dialect;
  /** `http://host:port` as the client addressed us. */
  base: string;
  /** The emulator's number for the HTTP request (the parts of a `$batch` share it). */
  requestId: number;
  /** Where the handlers note what they wrote (one per request, or per change set of a `$batch`). */
  journal: WriteJournal;
}

/** A response to write (or, for a dropped response, to throw away). */
export interface Reply {
  status: number;
  headers?: Record<string, string | string[]>;
  json?: unknown;
  text?: { contentType: string; body: string };
}

export function header(req: EmulatorRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
