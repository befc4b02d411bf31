/**
 * What an operator does to attention entries by hand: look one up by id, resolve it with a reason
 * (kept on the entry, in the audit table and in the record's integration log), and the names of
 * the pipelines the state store knows.
 */
import type { Knex } from 'knex';
import { attentionList, type AttentionEntry } from './attention.js';
import { logWrite } from './log.js';

const TABLE = 'sluice_attention';

export async function attentionGet(knex: Knex, id: number): Promise<AttentionEntry | undefined> {
  const row = (await knex(TABLE).where({ id }).first()) as { pipeline: string; source_key: string } | undefined;
  if (!row) return undefined;
  const [entry] = await attentionList(knex, { pipeline: row.pipeline, sourceKeys: [row.source_key] });
  return entry;
}

/**
 * Resolves entry `id` by hand: it leaves the open list (a later run that parks the record again
 * opens it again). Returns the entry as it was, or undefined when there is no such entry.
 */
export async function attentionResolveById(
  knex: Knex,
  id: number,
  by: string,
  reason: string,
  at: string,
): Promise<AttentionEntry | undefined> {
  return knex.transaction(async (trx) => {
    const before = await attentionGet(trx, id);
    if (!before) return undefined;
    await trx(TABLE)
      .where({ id })
      .update({
        status: 'resolved',
        resolved_at: at,
        resolved_by: by.slice(0, 128),
        resolution: reason.slice(0, 4000),
        retry_after: null,
      });
    await trx('sluice_audit').insert({
      at,
      pipeline: before.pipeline,
      action: 'attention-resolve',
      detail: JSON.stringify({
        id,
        sourceKey: before.sourceKey,
        code: before.code,
        reasonClass: before.reasonClass,
        was: before.status,
        by,
        reason,
      }),
    });
    await logWrite(
      trx,
      before.pipeline,
      null,
      'manual',
      [
        {
          sourceKey: before.sourceKey,
          dedupeKey: before.dedupeKey,
          op: 'resolve',
          outcome: 'resolved',
          code: before.code,
          reasonClass: before.reasonClass,
          message: `resolved by ${by}: ${reason}`,
        },
      ],
      at,
    );
    return before;
  });
}

/** Every pipeline name the state store holds anything for (runs, ledger, attention, re-sync requests). */
export async function knownPipelines(knex: Knex): Promise<string[]> {
  const names = new Set<string>();
  for (const table of ['sluice_pipelines', 'sluice_runs', 'sluice_attention', 'sluice_resync', 'sluice_cursors']) {
    const rows = (await knex(table).distinct('pipeline')) as { pipeline: string }[];
    for (const r of rows) names.add(r.pipeline);
  }
  return [...names].sort();
}
