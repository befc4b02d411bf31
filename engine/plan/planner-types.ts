/** What the planner (planner.ts) takes and gives, and the state its two page halves share. */
import type {
  DataRecord,
  Mode,
  RejectedRow,
  ResourceCapabilities,
  SourceResource,
  TargetResource,
} from '../connector/types.js';
import type { LedgerEntry } from '../state/ledger.js';
import type { KeyFn } from '../transform/key.js';
import type { TransformJob, Transformer } from '../transform/transform-pool.js';
import type { RouteFn } from '../transform/route.js';
import type { KeyIndex } from './keyindex.js';
import type { ClassifyContext } from './classify.js';
import type { UnchangedInput } from './unchanged.js';
import type { Settlement } from './settle.js';
import type { Spill } from './spill.js';
import type { PlanAttention } from './types.js';

export interface PlannerInput {
  pipeline: string;
  source: SourceResource;
  sourceKeyField: string;
  /** The source's own key field is the pipeline's source key: a rejected row's `key` names the record. */
  rejectKeysMatch: boolean;
  cursorField?: string;
  since?: string;
  /** See ReadRequest.sinceKey. */
  sinceKey?: string;
  pageSize?: number;
  /** Parked records processed again (marked for re-sync, or settled absent), by source key; a record the source returns again is taken from the source instead. */
  resync: ReadonlyMap<string, DataRecord>;
  /**
   * Source keys an operator asked to re-sync: never skipped as unchanged, and a record the ledger
   * says was posted but the target does not have is posted anew (the operator checked the target).
   */
  forced?: ReadonlySet<string>;
  /** Source keys not attempted in this run (transient failures waiting for their retry time); their keys stay known. */
  hold?: ReadonlySet<string>;
  /**
   * Records the target refused whose retry time has not come: source key → the fingerprint they were
   * refused with. Held (not attempted, their keys known) while their fingerprint is the same.
   */
  refused?: ReadonlyMap<string, string>;
  /**
   * Every open target refusal, due or not: source key → the fingerprint it was refused with. A
   * record with that fingerprint is not skipped as unchanged (its ledger rows say the target holds
   * what it produces; the refusal says the target was found to differ): it is held while `refused`
   * has it, else sent again.
   */
  refusedWith?: ReadonlyMap<string, string>;
  /**
   * The context of each record's fingerprint (unchanged.ts; the same as `unchanged.context`): every
   * record's is computed, so that a refusal by the target stores it and `refused` can be decided.
   */
  fingerprintContext?: string;
  /** The transform (Transform, or a TransformPool evaluating it on threads too). */
  transform: Transformer;
  key: KeyFn;
  capabilities: ResourceCapabilities;
  /** What a changed posted record becomes (target.corrections; default lock). */
  corrections?: 'lock' | 'reverse-and-repost';
  /** The resource's static record checks and the opened target's (`key`: the record's dedupe key, routed when routed). */
  check(record: DataRecord, key: string): string[];
  /**
   * A routed target: chooses each target record's connection; its dedupe key becomes
   * `connection/key` (see transform/route.ts). A record it cannot route is parked.
   */
  route?: RouteFn;
  /** A routed pipeline: its connections (the summary's counts per connection; records posted under another one). */
  routeConnections?: readonly string[];
  /** Skip unchanged source records (absent: every record is transformed). */
  unchanged?: UnchangedInput;
  /** The target completes records before they are planned (TargetResource.prepareRecords), with their dedupe keys. */
  prepareRecords?(records: DataRecord[], keys: string[]): ReturnType<NonNullable<TargetResource['prepareRecords']>>;
  mode: Mode;
  ledger(keys: string[]): Promise<Map<string, LedgerEntry>>;
  lookup: ClassifyContext['lookup'];
  settlement: Settlement;
  spill: Spill;
  onError: 'attention' | 'fail';
  /** Keep source records for the confirm-to-source hook. */
  keepSourceRecords: boolean;
  /** Planning only: the source must not change anything while it is read. */
  dryRun: boolean;
  signal?: AbortSignal;
  onProgress?(progress: { read: number; attention: number }): void;
}

export interface PlannerResult {
  read: number;
  rejected: number;
  skipped: number;
  /** Every dedupe key the source produced (mirror deletes spare them). */
  keys: KeyIndex;
  /** Duplicate keys → the later records that produced them (the first one's op is in the spill). */
  duplicates: Map<string, { sourceKey: string; payload: DataRecord }[]>;
  cursorTo: string | undefined;
  /** The source key of the last record read at `cursorTo`. */
  cursorKeyTo: string | undefined;
  /** Records whose key is unknown (unreadable, transform or key failed): mirror deletes are withheld when > 0. */
  unkeyed: number;
  sourceRecords: Map<string, DataRecord>;
  /** The source read was complete and not incremental: every row it has was seen. */
  completeRead: boolean;
  /** Source keys of rows the source could not read (stage read), this run. */
  rejectedKeys: string[];
  /** Unchanged source records planned as noops without evaluating their transform. */
  reused: number;
  /** The keys of `forced` the source (or a stored record) had. */
  forcedSeen: Set<string>;
  /** Records of `hold` the source returned, left for a later run. */
  held: number;
  /** Records of `refused` the source returned unchanged, left for their retry time. */
  heldRefused: number;
}

/** One planning run's state, shared by the two halves of each page (page-prepare.ts, page-finish.ts). */
export interface PlannerRun {
  input: PlannerInput;
  out: PlannerResult;
  ctx: ClassifyContext;
  /** Parked records to process again; those the source returns are taken from the source instead. */
  resync: Map<string, DataRecord>;
  /** Rows the source could not read since the last page was prepared. */
  rejects: RejectedRow[];
  /** Source keys of `refused` records held this run. */
  heldRefused: Set<string>;
  /** Attention entries parked so far (for progress). */
  attention: number;
  park(att: PlanAttention): Promise<void>;
}

/** What a page's second half does for each record, decided by its first half. */
export type Step =
  | { kind: 'bad'; record: DataRecord; sourceKey: string; problem: { code: string; message: string } }
  | { kind: 'same'; record: DataRecord; sourceKey: string; rows: LedgerEntry[] }
  | {
      kind: 'eval';
      record: DataRecord;
      sourceKey: string;
      forced: boolean;
      /** For the ledger (unchanged-source skipping). */
      fp: string | undefined;
      /** For attention (a refusal by the target): also without unchanged-source skipping. */
      sourceFp: string | undefined;
      n: number;
    };
export interface Prepared {
  rejected: RejectedRow[];
  steps: Step[];
  transformed: TransformJob | undefined;
}
