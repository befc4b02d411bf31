/** The shapes a plan is made of, shared by planner, plan file, printer and applier. */
import type { DataRecord, DeleteAction, FieldChange } from '../connector/types.js';
import type { AttentionWrite } from '../state/attention.js';

export const OPS = ['create', 'update', 'noop', 'delete', 'locked'] as const;
export type OpKind = (typeof OPS)[number];

export interface PlanOp {
  /** Order in which the plan produced it. */
  seq: number;
  op: OpKind;
  key: string;
  /** Key of the source record it came from (deletes: the ledger's key). */
  sourceKey: string;
  /** Desired target record (create/update), absent for deletes. */
  record?: DataRecord;
  /** Target id of the existing record (update/delete/noop/locked). */
  targetId?: string;
  /** Hash of the target record as the plan saw it; 'absent' when there was none. */
  targetHash: string;
  payloadHash?: string;
  changes?: FieldChange[];
  /** For update/delete: the target record as the plan saw it. */
  before?: DataRecord;
  action?: DeleteAction;
  /** Update that brings back a deactivated record. */
  reactivate?: boolean;
  /** A noop whose ledger row is missing: the record exists and the ledger adopts it. */
  adopt?: boolean;
  /** Why the record is locked. */
  reason?: string;
}

export interface PlanCounts {
  read: number;
  skipped: number;
  create: number;
  update: number;
  noop: number;
  delete: number;
  locked: number;
  attention: number;
}

export function emptyCounts(): PlanCounts {
  return { read: 0, skipped: 0, create: 0, update: 0, noop: 0, delete: 0, locked: 0, attention: 0 };
}

export interface MirrorGuard {
  blocked: boolean;
  candidates: number;
  owned: number;
  maxPercent: number;
  maxCount?: number;
  reason?: string;
}

export interface PlanSummary {
  counts: PlanCounts;
  /** Order-independent hash of every target record the plan looked at. */
  targetStateHash: string;
  /** Hash of the operations themselves (what apply will do). */
  planHash: string;
  cursor: { from?: string; to?: string; field?: string };
  guard?: MirrorGuard;
  /** Set when the source read nothing and mirror deletes were withheld. */
  emptySource?: boolean;
  warnings: string[];
}

/** Attention entries the plan itself produced (transform errors, locked, duplicates, checks). */
export type PlanAttention = AttentionWrite;
