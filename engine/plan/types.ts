/** The shapes a plan is made of, shared by planner, plan file, printer and applier. */
import type { DataRecord, DeleteAction, FieldChange } from '../connector/types.js';
import type { AttentionWrite } from '../state/attention.js';

export const OPS = ['create', 'update', 'noop', 'delete', 'forget', 'locked', 'correct', 'in-doubt'] as const;
export type OpKind = (typeof OPS)[number];

/** The source record's fingerprint and how many target records it made (see plan/unchanged.ts). */
export interface OpFingerprint {
  fp: string;
  outputs: number;
}

interface OpBase {
  /** Dedupe key of the target record. */
  key: string;
  /** Key of the source record it came from (mirror deletes: the ledger's key). */
  sourceKey: string;
  /** Hash of the target record as the plan saw it; 'absent' when there was none. */
  targetHash: string;
}

/** A record the target lacks: it is created. */
export interface CreateOp extends OpBase {
  op: 'create';
  record: DataRecord;
  payloadHash: string;
  /** The source record it came from (parked with the record if the write fails, for a re-sync). */
  source: DataRecord;
  /** What the target changed when it prepared the record, and why (a converted amount, a moved date). */
  notes?: string[];
  /** A correction's new version: the posted record it replaces (reversed in this run or before). */
  supersedes?: string;
  fingerprint?: OpFingerprint;
  /** The source record's fingerprint, stored with its attention entry if the target refuses it. */
  sourceFp?: string;
}

/** A record the target holds with other values: it is changed, field by field. */
export interface UpdateOp extends OpBase {
  op: 'update';
  record: DataRecord;
  payloadHash: string;
  /** The source record it came from (parked with the record if the write fails, for a re-sync). */
  source: DataRecord;
  targetId: string;
  changes: FieldChange[];
  /** The target record as the plan saw it. */
  before: DataRecord;
  /** The target record is deactivated and comes back. */
  reactivate?: true;
  fingerprint?: OpFingerprint;
  /** The source record's fingerprint, stored with its attention entry if the target refuses it. */
  sourceFp?: string;
}

/** The target holds the record as the source wants it. */
export interface NoopOp extends OpBase {
  op: 'noop';
  payloadHash: string;
  targetId: string;
  /** The ledger lacks it (or knows another id): it adopts the target record as is. */
  adopt?: true;
  /** The target record as it is, kept when the source is told what the target holds (confirm). */
  held?: DataRecord;
  /** The source record is unchanged since it was synced: its transform was not evaluated. */
  unchanged?: true;
  /** To remember in the ledger (the source record's fingerprint is new there). */
  fingerprint?: OpFingerprint;
}

/** Mirror mode: a record this pipeline created that the source no longer has. */
export interface DeleteOp extends OpBase {
  op: 'delete';
  targetId: string;
  action: DeleteAction;
  before: DataRecord;
}

/** Mirror mode: a record this pipeline created is already gone from the target; only the ledger learns it. */
export interface ForgetOp extends OpBase {
  op: 'forget';
  targetId?: string;
}

/** The target record may not be changed (posted, booked, or mode create); it goes to attention. */
export interface LockedOp extends OpBase {
  op: 'locked';
  payloadHash: string;
  targetId?: string;
  reason: string;
  changes?: FieldChange[];
}

/**
 * A posted record the source changed, with `corrections: reverse-and-repost`: the posted record
 * `targetId` is reversed, then the new version is created; both steps are in the ledger, linked.
 */
export interface CorrectOp extends OpBase {
  op: 'correct';
  targetId: string;
  /** The posted record as the plan saw it. */
  before: DataRecord;
  /** The new version. */
  record: DataRecord;
  payloadHash: string;
  source: DataRecord;
  changes: FieldChange[];
  notes?: string[];
  /** The source record's fingerprint, stored with its attention entry if the target refuses it. */
  sourceFp?: string;
}

/**
 * An earlier create of this key was sent and its outcome is unknown; the target may still commit it
 * until `settleAfter`. Nothing is sent for it until then; the first run after that settles it.
 */
export interface InDoubtOp extends OpBase {
  op: 'in-doubt';
  payloadHash: string;
  sentAt: string;
  settleAfter: string;
  /** The run that sent it. */
  sentBy: string;
}

export type PlanOp = CreateOp | UpdateOp | NoopOp | DeleteOp | ForgetOp | LockedOp | CorrectOp | InDoubtOp;

/** Attention entries the plan itself produced (rejected rows, transform errors, locked, duplicates, checks). */
export type PlanAttention = AttentionWrite;

/** One item of a plan, in order: an operation or an attention entry. */
export type PlanItem = { t: 'op'; op: PlanOp } | { t: 'att'; att: PlanAttention };

export interface PlanCounts {
  read: number;
  /** Source rows that could not be read as records (parked). */
  rejected: number;
  skipped: number;
  /** Source records unchanged since they were synced: noops without evaluating the transform. */
  unchanged: number;
  create: number;
  update: number;
  noop: number;
  delete: number;
  forget: number;
  locked: number;
  correct: number;
  inDoubt: number;
  attention: number;
}

export function emptyCounts(): PlanCounts {
  return {
    read: 0,
    rejected: 0,
    skipped: 0,
    unchanged: 0,
    create: 0,
    update: 0,
    noop: 0,
    delete: 0,
    forget: 0,
    locked: 0,
    correct: 0,
    inDoubt: 0,
    attention: 0,
  };
}

/** The PlanCounts field an operation counts in. */
export function countField(
  op: OpKind,
): 'create' | 'update' | 'noop' | 'delete' | 'forget' | 'locked' | 'correct' | 'inDoubt' {
  return op === 'in-doubt' ? 'inDoubt' : op;
}

/** What a plan does to one target connection of a routed pipeline. */
export type ConnectionCounts = Pick<
  PlanCounts,
  'create' | 'update' | 'noop' | 'delete' | 'forget' | 'locked' | 'correct' | 'inDoubt' | 'attention'
>;

export interface MirrorGuard {
  blocked: boolean;
  candidates: number;
  owned: number;
  maxPercent: number;
  maxCount?: number;
  reason?: string;
}

/** What the state store held when the plan was made: apply refuses a plan whose basis moved. */
export interface PlanBasis {
  /** The pipeline's commit counter (every committed batch moves it). */
  version: number;
  /** The run that committed last, and when. */
  lastRun: string | null;
  lastCommitAt: string | null;
}

export interface PlanSummary {
  counts: PlanCounts;
  /** Hash of every target record state the plan looked at (key and state, in plan order). */
  targetStateHash: string;
  /** Hash of the operations apply will carry out (every operation but plain noops), in order. */
  planHash: string;
  /** The incremental cursor: value (and key of the last record read at it) before and after. */
  cursor: { from?: string; to?: string; field?: string; fromKey?: string; toKey?: string };
  guard?: MirrorGuard;
  /** A routed pipeline: operations and attention per target connection (see plan/routing.ts). */
  connections?: Record<string, ConnectionCounts>;
  /** Set when the source read nothing and mirror deletes were withheld. */
  emptySource?: boolean;
  warnings: string[];
}

/** Pending creates found settled when the plan was made (see settle.ts). */
export interface SettlementSummary {
  /** Found in the target after their window: written. */
  found: number;
  /** Not found after their window: they are processed again. */
  absent: number;
  /** Still inside their window: in doubt. */
  waiting: number;
}
