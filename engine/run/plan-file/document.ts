/** The saved plan's shape (schemas/plan.schema.json is the published truth; this is its TypeScript form). */
import type { PlanAttention, PlanBasis, PlanOp, PlanSummary, SettlementSummary } from '../../plan/types.js';
import type { Seal } from './seal.js';

export const PLAN_FORMAT = 'sluice-plan/2';

export interface PlanHeader {
  format: typeof PLAN_FORMAT;
  createdAt: string;
  runId: string;
  pipeline: { name: string; path: string; hash: string };
  connectionsPath: string;
  /** The state store the plan was made against (password masked). */
  stateStore: string;
  basis: PlanBasis;
  summary: PlanSummary;
  settlement: SettlementSummary;
  /** The re-sync requests the plan worked on: its apply closes them (absent: none). */
  resync?: PlanResync;
}

export interface PlanResync {
  /** Ids of the pending requests (`sluice_resync`) the plan took in. */
  requests: number[];
  /** The requested keys the plan found (in the source or a stored record); the others close as not-found. */
  found: string[];
}

export interface PlanDocument extends PlanHeader {
  operations: PlanOp[];
  attention: PlanAttention[];
  seal: Seal;
}

/** The header fields in a fixed order (the seal covers them, canonically). */
export function headerOf(doc: PlanHeader): PlanHeader {
  return {
    format: doc.format,
    createdAt: doc.createdAt,
    runId: doc.runId,
    pipeline: doc.pipeline,
    connectionsPath: doc.connectionsPath,
    stateStore: doc.stateStore,
    basis: doc.basis,
    summary: doc.summary,
    settlement: doc.settlement,
    ...(doc.resync && { resync: doc.resync }),
  };
}
