/**
 * Writing `credit-limits` (credit-limits.def.ts): the master-data target over BusinessPartners,
 * reading only the limit fields; a create (the partner does not exist) is refused, never sent.
 */
import type { TargetResource, WriteOp, WriteOutcome } from '../../../engine/connector/types.js';
import { RecordError } from '../../../engine/errors.js';
import { SAP_B1_ERRORS } from '../errors.js';
import { CREDIT_LIMIT_FIELDS } from './credit-limits.def.js';
import { openMasterDataTarget, type MasterDataSpec } from './master-data-target.js';
import type { SapB1Openers } from './types.js';

const SPEC: MasterDataSpec = {
  entitySet: 'BusinessPartners',
  key: 'CardCode',
  deactivate: {},
  isActive: () => true,
};

export const creditLimitsOpeners: SapB1Openers = {
  openTarget: (ctx, _options, binding): TargetResource => {
    const inner = openMasterDataTarget(ctx, SPEC, { select: [...CREDIT_LIMIT_FIELDS] }, binding);
    const refuse = (op: Extract<WriteOp, { op: 'create' }>): WriteOutcome => ({
      key: op.key,
      ok: false,
      error: new RecordError(
        SAP_B1_ERRORS.partnerUnknown,
        `business partner ${op.key} does not exist in SAP; credit limits are only set on existing partners (create the partner first)`,
        { recordKey: op.key, writeOutcome: 'not-applied' },
      ),
    });
    return {
      commitWindowMs: inner.commitWindowMs,
      lookup: inner.lookup,
      async write(ops) {
        const updates = ops.filter((o) => o.op !== 'create');
        const written = new Map<WriteOp, WriteOutcome>();
        (updates.length > 0 ? await inner.write(updates) : []).forEach((o, i) => written.set(updates[i] as WriteOp, o));
        return ops.map((o) => (o.op === 'create' ? refuse(o) : (written.get(o) as WriteOutcome)));
      },
    };
  },
};
