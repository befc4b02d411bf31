import knexFactory, { type Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { stateBackends, type FreshStore } from '../../test/helpers/state-backends.js';
import { MIGRATIONS } from './migrations.js';
import { openStateStore, type StateStore } from './store.js';
import { parseStateUrl } from './url.js';

const SECRET = 'a'.repeat(64);
const NAMES = MIGRATIONS.map((m) => m.name);

/** A store as the knex migrator of earlier versions left it, with the first `n` migrations applied. */
async function knexMigrated(url: string, n: number): Promise<void> {
  const knex = knexFactory(parseStateUrl(url).knexConfig);
  const list = MIGRATIONS.slice(0, n);
  const migrationSource: Knex.MigrationSource<(typeof list)[number]> = {
    getMigrations: () => Promise.resolve(list),
    getMigrationName: (m) => m.name,
    getMigration: (m) => Promise.resolve({ up: m.up, down: m.down }),
  };
  await knex.migrate.latest({ tableName: 'sluice_migrations', migrationSource });
  await knex.destroy();
}

async function withKnex<T>(url: string, fn: (knex: Knex) => Promise<T>): Promise<T> {
  const knex = knexFactory(parseStateUrl(url).knexConfig);
  try {
    return await fn(knex);
  } finally {
    await knex.destroy();
  }
}

describe.each(stateBackends)('migrations on $name', (backend) => {
  let fresh: FreshStore;
  const open: StateStore[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await fresh?.cleanup();
  });
  async function openStore(options: { lockTimeoutMs?: number } = {}): Promise<StateStore> {
    const s = await openStateStore({ url: fresh.url, secretKey: SECRET, ...options });
    open.push(s);
    return s;
  }

  it('opens eight stores at once on a database nothing has opened: each migration is applied once', async () => {
    fresh = await backend.fresh();
    const stores = await Promise.all(Array.from({ length: 8 }, () => openStore()));
    expect(stores.filter((s) => s.migrated.applied.length > 0).map((s) => s.migrated.applied)).toEqual([NAMES]);
    const rows = (await stores[0]!.knex('sluice_migrations').orderBy('id')) as { name: string; batch: number }[];
    expect(rows.map((r) => [r.name, Number(r.batch)])).toEqual(NAMES.map((n) => [n, 1]));
    for (const [i, s] of stores.entries()) {
      await s.runStart({ id: `r${i}`, pipeline: 'p', command: 'plan', startedAt: new Date().toISOString() });
    }
    expect(await stores[7]!.runList('p', 100)).toHaveLength(8);
  });

  it('continues a store the knex migrator created: applies only what is missing, in the same format', async () => {
    fresh = await backend.fresh();
    await knexMigrated(fresh.url, 1);
    const store = await openStore();
    expect(store.migrated.applied).toEqual(NAMES.slice(1));
    const rows = (await store.knex('sluice_migrations').orderBy('id')) as {
      id: number;
      name: string;
      batch: number;
      migration_time: unknown;
    }[];
    expect(rows.map((r) => [r.name, Number(r.batch)])).toEqual([[NAMES[0], 1], ...NAMES.slice(1).map((n) => [n, 2])]);
    expect(rows.every((r) => r.migration_time !== null)).toBe(true);
    expect(await store.knex('sluice_migrations_lock').select('is_locked')).toEqual([{ is_locked: 0 }]);
    // and the knex migrator of an earlier version still reads the store as up to date
    await knexMigrated(fresh.url, MIGRATIONS.length);
    expect(await store.knex('sluice_migrations').count('* as n')).toEqual([{ n: NAMES.length }]);
  });

  it('does not migrate past a knex lock an older version left set, and says how to reset it', async () => {
    fresh = await backend.fresh();
    await knexMigrated(fresh.url, 1);
    await withKnex(fresh.url, (k) => k('sluice_migrations_lock').update({ is_locked: 1 }));
    const err = await openStore().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STATE_STORE_LOCKED' });
    expect((err as Error).message).toContain('sluice state unlock');
    expect((err as Error).message).toContain(NAMES[1]);
    expect((err as Error).message).not.toContain('knex migrate:unlock');
    // nothing was applied
    await withKnex(fresh.url, async (k) => expect(await k('sluice_migrations').count('* as n')).toEqual([{ n: 1 }]));
  });

  it('opens an up-to-date store whatever the legacy lock says (it only matters while migrating)', async () => {
    fresh = await backend.fresh();
    await knexMigrated(fresh.url, MIGRATIONS.length);
    await withKnex(fresh.url, (k) => k('sluice_migrations_lock').update({ is_locked: 1 }));
    const store = await openStore();
    expect(store.migrated.applied).toEqual([]);
  });

  it('refuses a store migrated by a newer sluice, naming the migrations it does not know', async () => {
    fresh = await backend.fresh();
    await openStore();
    await open[0]!.knex('sluice_migrations').insert({ name: '9999_from_the_future', batch: 2 });
    await expect(openStore()).rejects.toMatchObject({
      code: 'STATE_STORE_TOO_NEW',
      message: expect.stringContaining('9999_from_the_future') as unknown,
    });
  });
});
