/**
 * `credit-limits`: the credit limit of existing business partners (BusinessPartners.CreditLimit,
 * OCRD.CreditLine; `MaxCommitment`, OCRD.DebtLine, when the record carries it). Update only: the
 * target reads the partners' current values (lookup by CardCode, only these fields), so the engine's
 * diff plans a partner whose limit is unchanged as noop and sends nothing for it; a changed one is a
 * PATCH of the changed fields with the ETag read (If-Match). A record for a partner SAP does not have
 * is never created: it goes to attention (SAP_B1_PARTNER_UNKNOWN).
 */
import type { DataRecord, TargetResource, WriteOp, WriteOutcome } from '../../../engine/connector/types.js';
import { RecordError } from '../../../engine/errors.js';
import { SAP_B1_ERRORS } from '../errors.js';
import { openMasterDataTarget, type MasterDataSpec } from './master-data-target.js';
import { objectSchema } from './options.js';
import { TARGET_BULK_SIZE, type SapB1Resource } from './types.js';

const FIELDS = ['CardCode', 'CreditLimit', 'MaxCommitment'] as const;

const SPEC: MasterDataSpec = {
  entitySet: 'BusinessPartners',
  key: 'CardCode',
  deactivate: {},
  isActive: () => true,
  limits: { CardCode: 15 },
};

export function creditLimitProblems(record: DataRecord): string[] {
  const problems: string[] = [];
  const extra = Object.keys(record).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (extra.length > 0) problems.push(`credit-limits writes only ${FIELDS.join(', ')}; remove ${extra.join(', ')}`);
  for (const f of ['CreditLimit', 'MaxCommitment'])
    if (f in record && (typeof record[f] !== 'number' || !Number.isFinite(record[f]) || (record[f] as number) < 0))
      problems.push(`${f} must be a number of 0 or more`);
  if (!('CreditLimit' in record)) problems.push('CreditLimit is required');
  return problems;
}

export const creditLimits: SapB1Resource = {
  definition: {
    description:
      'Credit limits of existing business partners (BusinessPartners CreditLimit, optionally MaxCommitment). Update only: unchanged limits make no call; a changed one is a PATCH (If-Match); a partner missing in SAP goes to attention, never created.',
    roles: ['target'],
    key: 'CardCode',
    optionsSchema: objectSchema('Options of the credit-limits target (none).', {}),
    capabilities: { bulkSize: TARGET_BULK_SIZE, modes: ['upsert'], deleteActions: [] },
    check: creditLimitProblems,
  },
  openTarget: (ctx, _options, binding): TargetResource => {
    const inner = openMasterDataTarget(ctx, SPEC, { select: [...FIELDS] }, binding);
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
