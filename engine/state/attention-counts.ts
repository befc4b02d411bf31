/** How many records of a pipeline need attention (open or marked for re-sync), by reason class. */
import type { Knex } from 'knex';
import { reasonClassOf, type ReasonClass } from '../error-codes.js';

export async function attentionByClass(knex: Knex, pipeline: string): Promise<Partial<Record<ReasonClass, number>>> {
  const rows = (await knex('sluice_attention')
    .where({ pipeline })
    .whereIn('status', ['open', 'resync'])
    .select('reason_class', 'code')
    .count({ n: '*' })
    .groupBy('reason_class', 'code')) as { reason_class: string | null; code: string; n: number | string }[];
  const out: Partial<Record<ReasonClass, number>> = {};
  for (const r of rows) {
    const cls = (r.reason_class as ReasonClass | null) ?? reasonClassOf(r.code);
    out[cls] = (out[cls] ?? 0) + Number(r.n);
  }
  return out;
}
