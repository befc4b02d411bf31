/** What the AR-platform emulator tells tests: the kit's traffic events plus what it committed and issued. */
import type { EventLog } from '../../../engine/emulator-kit/events.js';
import type { TrafficEvent } from '../../../engine/emulator-kit/traffic.js';
import type { CollectionName } from './model.js';

export interface ArCommittedEvent {
  type: 'committed';
  requestId: number;
  resource: CollectionName;
  /** Keys of what was written (externalId, erpDocumentId, payment or deduction id). */
  ids: string[];
  action: 'create' | 'update' | 'approve' | 'reject';
}

export interface ArTokenEvent {
  type: 'token';
  requestId: number;
  clientId: string;
}

export type ArEmulatorEvent = TrafficEvent | ArCommittedEvent | ArTokenEvent;
export type ArEvents = EventLog<ArEmulatorEvent>;
