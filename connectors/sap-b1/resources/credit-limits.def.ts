/**
 * `credit-limits`: the credit limit of existing business partners (BusinessPartners.CreditLimit,
 * OCRD.CreditLine; `MaxCommitment`, OCRD.DebtLine, when the record carries it). Update only: the
 * target reads the partners' current values (lookup by CardCode, only these fields), so the engine's
 * diff plans a partner whose limit is unchanged as noop and sends nothing for it; a changed one is a
 * PATCH of the changed fields with the ETag read (If-Match). A record for a partner SAP does not have
 * is never created: it goes to attention (SAP_B1_PARTNER_UNKNOWN).
 */
import type { DataRecord, ResourceDefinition } from '../../../engine/connector/types.js';
import { objectSchema } from './options.js';
import { TARGET_BULK_SIZE } from './types.js';

/** The fields credit-limits reads and writes. */
export const CREDIT_LIMIT_FIELDS = ['CardCode', 'CreditLimit', 'MaxCommitment'] as const;

export function creditLimitProblems(record: DataRecord): string[] {
  const problems: string[] = [];
  const extra = Object.keys(record).filter((k) => !(CREDIT_LIMIT_FIELDS as readonly string[]).includes(k));
  if (extra.length > 0)
    problems.push(`credit-limits writes only ${CREDIT_LIMIT_FIELDS.join(', ')}; remove ${extra.join(', ')}`);
  for (const f of ['CreditLimit', 'MaxCommitment'])
    if (f in record && (typeof record[f] !== 'number' || !Number.isFinite(record[f]) || (record[f] as number) < 0))
      problems.push(`${f} must be a number of 0 or more`);
  if (!('CreditLimit' in record)) problems.push('CreditLimit is required');
  return problems;
}

export const creditLimitsDefinition: ResourceDefinition = {
  description:
    'Credit limits of existing business partners (BusinessPartners CreditLimit, optionally MaxCommitment). Update only: unchanged limits make no call; a changed one is a PATCH (If-Match); a partner missing in SAP goes to attention, never created.',
  roles: ['target'],
  key: 'CardCode',
  optionsSchema: objectSchema('Options of the credit-limits target (none).', {}),
  capabilities: { bulkSize: TARGET_BULK_SIZE, modes: ['upsert'], deleteActions: [] },
  check: creditLimitProblems,
};
