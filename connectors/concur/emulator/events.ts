/**
 * The Concur emulator's events: the traffic of every request (engine/emulator-kit/traffic.ts) and
 * `committed`, once per write request that changed something, naming what it wrote.
 */
import type { EventLog } from '../../../engine/emulator-kit/events.js';
import type { TrafficEvent } from '../../../engine/emulator-kit/traffic.js';
import type { EmuContext, EmuRequest } from './router.js';

export const COMMITTED_RESOURCES = ['list-items', 'vendors', 'users', 'fis-documents'] as const;
export type CommittedResource = (typeof COMMITTED_RESOURCES)[number];

export interface ConcurCommittedEvent {
  type: 'committed';
  requestId: number;
  resource: CommittedResource;
  method: string;
  /** The URL path written to. */
  path: string;
  region: string;
  /** List items: the list they belong to. */
  listId?: string;
  /** What the records are known by: list item codes, `VendorCode|AddressCode`, user names, FIS document ids. */
  keys: string[];
  /** The emulator's ids of the records written (list item ids, vendor IDs, user ids, document ids). */
  ids: string[];
}

export type ConcurEmulatorEvent = TrafficEvent | ConcurCommittedEvent;
export type ConcurEvents = EventLog<ConcurEmulatorEvent>;

export interface Written {
  key: string;
  id: string;
}

/** Tells what a handler committed (nothing when `written` is empty: a write refused in full). */
export function tellCommitted(
  ctx: EmuContext,
  req: EmuRequest,
  resource: CommittedResource,
  written: readonly Written[],
  listId?: string,
): void {
  if (written.length === 0) return;
  ctx.events.emit({
    type: 'committed',
    requestId: req.requestId,
    resource,
    method: req.method,
    path: req.path,
    region: req.region,
    ...(listId !== undefined && { listId }),
    keys: written.map((w) => w.key),
    ids: written.map((w) => w.id),
  });
}
