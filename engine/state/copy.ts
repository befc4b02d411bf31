/**
 * `sluice state copy --from <url> --to <url>`: moves a whole state store — ledger, cursors,
 * attention, credentials, runs, audit, pipeline versions and whatever later migrations add — to
 * another one (a proof of concept on SQLite going to production on MariaDB), so no target record
 * has to be adopted again. Both stores are migrated to this version first. The copy is one
 * transaction on the destination: it lands whole or not at all. It refuses a destination that
 * already holds state and a source with a run in progress. Credentials are decrypted with the
 * source's secret key and sealed again with the destination's.
 */
import type { Knex } from 'knex';
import { ConfigError } from '../errors.js';
import { LEGACY_LOCK_TABLE, MIGRATIONS_TABLE } from './migration-table.js';
import type { StateStore } from './store.js';

/** Bookkeeping that belongs to each store itself, not to the state it holds. */
const OWN = new Set([MIGRATIONS_TABLE, LEGACY_LOCK_TABLE, 'sluice_leases']);
const BATCH = 500;

export interface CopyReport {
  from: string;
  to: string;
  /** Rows copied per table, in copy order. */
  tables: { table: string; rows: number }[];
}

export async function stateTables(knex: Knex, kind: 'sqlite' | 'mysql'): Promise<string[]> {
  const rows =
    kind === 'sqlite'
      ? ((await knex.raw(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'sluice\\_%' ESCAPE '\\'",
        )) as {
          name: string;
        }[])
      : ((
          (await knex.raw(
            "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'sluice\\_%'",
          )) as [{ name: string }[]]
        )[0] ?? []);
  return rows
    .map((r) => r.name)
    .filter((n) => !OWN.has(n) && !n.startsWith(`${MIGRATIONS_TABLE}_`))
    .sort();
}

async function columns(knex: Knex, table: string): Promise<string[]> {
  return Object.keys(await knex(table).columnInfo());
}

export async function copyState(from: StateStore, to: StateStore, now: () => string): Promise<CopyReport> {
  if (from.location.display === to.location.display)
    throw new ConfigError('STATE_COPY_INVALID', 'state copy: --from and --to name the same state store');
  from.requireSecretKey();
  to.requireSecretKey();
  const src = from.knex;
  const dst = to.knex;
  const tables = await stateTables(src, from.location.kind);
  const dstTables = new Set(await stateTables(dst, to.location.kind));
  const missing = tables.filter((t) => !dstTables.has(t));
  if (missing.length > 0)
    throw new ConfigError(
      'STATE_COPY_INVALID',
      `state copy: the destination has no table ${missing.join(', ')}; it was migrated by another sluice version`,
    );
  for (const t of tables) {
    const has = await dst(t).first();
    if (has)
      throw new ConfigError(
        'STATE_COPY_INVALID',
        `state copy: the destination ${to.location.display} already holds state (table ${t} is not empty); copy into a new, empty store`,
      );
  }
  const nowIso = now();
  const running = (await src('sluice_leases').where('expires_at', '>', nowIso)) as {
    pipeline: string;
    holder: string;
  }[];
  if (running.length > 0)
    throw new ConfigError(
      'STATE_COPY_INVALID',
      `state copy: a run holds the lease of ${running.map((r) => r.pipeline).join(', ')} in ${from.location.display}; ` +
        'stop the scheduler and wait for running pipelines to finish (or expire), then copy',
    );
  const report: CopyReport = { from: from.location.display, to: to.location.display, tables: [] };
  await dst.transaction(async (trx) => {
    for (const table of tables) {
      const cols = await columns(src, table);
      const order = cols.includes('id') ? ['id'] : cols;
      let rows = 0;
      let page: Record<string, unknown>[] = [];
      const flush = async (): Promise<void> => {
        const out =
          table === 'sluice_credentials'
            ? page.map((r) => ({
                ...r,
                ciphertext: from.resealFor(to, String(r.ciphertext), `${String(r.scope)}/${String(r.name)}`),
              }))
            : page;
        await trx.batchInsert(table, out, BATCH);
        rows += page.length;
        page = [];
      };
      // Streamed: a ledger of millions of rows is never held in memory.
      for await (const row of src(table).select(cols).orderBy(order).stream() as AsyncIterable<
        Record<string, unknown>
      >) {
        page.push(row);
        if (page.length >= BATCH) await flush();
      }
      if (page.length > 0) await flush();
      report.tables.push({ table, rows });
    }
    for (const { table, rows } of report.tables) {
      const [{ n }] = (await trx(table).count({ n: '*' })) as [{ n: number | string }];
      if (Number(n) !== rows)
        throw new Error(
          `state copy: ${table} holds ${String(n)} rows after the copy, expected ${rows}; nothing was copied`,
        );
    }
    await trx('sluice_audit').insert({
      at: nowIso,
      pipeline: '*',
      action: 'state-copied',
      detail: JSON.stringify({
        from: from.location.display,
        rows: Object.fromEntries(report.tables.map((t) => [t.table, t.rows])),
      }),
    });
  });
  return report;
}
