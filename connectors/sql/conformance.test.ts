import Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { runConformanceSuite, type ConformanceFixture } from '../../test/conformance/suite.js';
import { sqlConnector, type SqlConfig } from './index.js';
import { BACKENDS, type TestDatabase } from './testing/databases.js';

const SOURCE_ROWS = [
  { id: 'a', amount: 1, updated_at: '2024-01-01 10:00:00' },
  { id: 'b', amount: 2, updated_at: '2024-01-02 10:00:00' },
  { id: 'c', amount: 3, updated_at: '2024-01-03 10:00:00' },
  { id: 'd', amount: 4, updated_at: '2024-01-04 10:00:00' },
  { id: 'e', amount: 5, updated_at: '2024-01-04 10:00:00' },
];

async function createSource(admin: Knex): Promise<void> {
  await admin.schema.createTable('src', (t) => {
    t.string('id', 32).primary();
    t.integer('amount');
    t.string('updated_at', 32);
  });
  await admin('src').insert(SOURCE_ROWS);
}

interface SqlFixture extends ConformanceFixture<SqlConfig> {
  db: TestDatabase;
}

for (const backend of BACKENDS) {
  runConformanceSuite<SqlConfig, SqlFixture>({
    name: `sql on ${backend.name}`,
    definition: sqlConnector,
    async setup() {
      const db = await backend.create();
      await createSource(db.admin);
      await db.admin.schema.createTable('dst', (t) => {
        t.string('id', 64).primary();
        t.string('name', 100).notNullable();
        t.integer('amount');
        t.integer('active').notNullable().defaultTo(1);
      });
      const incremental = { cursorField: 'updated_at', since: '2024-01-03 12:00:00', expectedKeys: ['d', 'e'] };
      return {
        db,
        config: db.config,
        invalidConfigs: [
          {},
          { url: 'postgres://u@h/db' },
          { url: 'sqlite:x.db', pool: { max: 0 } },
          { url: 3 },
          { url: 'sqlite:x.db', password: 7 },
        ],
        source: [
          { resource: 'table', options: { table: 'src' }, expectedKeys: ['a', 'b', 'c', 'd', 'e'], incremental },
          {
            resource: 'query',
            options: {
              sql: 'select s.id, s.amount * 10 as amount, s.updated_at from src s where s.amount >= :min',
              params: { min: 2 },
            },
            expectedKeys: ['b', 'c', 'd', 'e'],
            incremental,
          },
        ],
        target: {
          resource: 'table',
          options: { table: 'dst', deactivate: { column: 'active', inactiveValue: 0, activeValue: 1 } },
          newRecord: (i) => ({ id: `n${i}`, name: `Name ${i}`, amount: i }),
          changeRecord: (r) => ({ ...r, name: `${String(r.name)}, changed`, amount: 99 }),
          rejectedRecord: () => ({ id: 'bad', name: null, amount: 1 }),
        },
        teardown: () => db.cleanup(),
      };
    },
    ...(backend.name === 'mariadb'
      ? {
          authFailure: async (fx: SqlFixture) => ({ config: fx.db.badPasswordConfig! }),
          async injectRetryableFailure(fx: SqlFixture) {
            await fx.db.proxy!.cut();
            return () => fx.db.proxy!.restore();
          },
        }
      : {
          async injectRetryableFailure(fx: SqlFixture) {
            // Another process holds an exclusive lock: readers get SQLITE_BUSY after the busy timeout.
            const other = new Database(fx.db.file!);
            other.exec('BEGIN EXCLUSIVE');
            return async () => {
              other.exec('ROLLBACK');
              other.close();
            };
          },
        }),
    async injectFinalFailure(fx) {
      await fx.db.admin.schema.dropTable('src');
      return () => createSource(fx.db.admin);
    },
  });
}
