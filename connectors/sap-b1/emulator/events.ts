/**
 * The SAP B1 emulator's events: the traffic of every request (engine/emulator-kit/traffic.ts) and
 * `committed`, once per plain write request and once per change set of a `$batch` that committed,
 * naming what was written.
 */
import type { EventLog } from '../../../engine/emulator-kit/events.js';
import type { TrafficEvent } from '../../../engine/emulator-kit/traffic.js';
import type { Entity } from './edm/codec.js';

export interface SapB1Write {
  /** POST (create or bound action), PATCH / PUT / MERGE, DELETE. */
  method: string;
  entitySet: string;
  /** The entity's key (JdtNum, CardCode, DocEntry, ...). */
  id: string | number;
  /** The bound action, e.g. `Cancel`. */
  action?: string;
  /** A copy of the stored entity after the write (absent after a DELETE). */
  entity?: Entity;
}

export interface SapB1CommittedEvent {
  type: 'committed';
  requestId: number;
  /** Entity set of the first write (a change set from the connector holds one write). */
  entitySet: string;
  /** Keys of the entities written, in order. */
  ids: (string | number)[];
  writes: SapB1Write[];
  /** Position of the change set (or single write) in its `$batch`, from 0; absent outside `$batch`. */
  changeSet?: number;
}

export type SapB1EmulatorEvent = TrafficEvent | SapB1CommittedEvent;
export type SapB1Events = EventLog<SapB1EmulatorEvent>;

/** Writes of one atomic unit (a request, or a change set), emitted once it committed. */
export class WriteJournal {
  readonly writes: SapB1Write[] = [];

  record(write: SapB1Write): void {
    this.writes.push(write);
  }

  /** Emits `committed` when anything was written. */
  commit(events: SapB1Events, requestId: number, changeSet?: number): void {
    const first = this.writes[0];
    if (!first) return;
    events.emit({
      type: 'committed',
      requestId,
      entitySet: first.entitySet,
      ids: this.writes.map((w) => w.id),
      writes: [...this.writes],
      ...(changeSet !== undefined && { changeSet }),
    });
  }
}
