/**
 * Five `sluice run` processes started at the same moment on a state store nothing has opened yet
 * (MariaDB, and a SQLite file): all five open the store, exactly one runs, the other four exit with
 * LEASE_HELD naming it. The winner is kept holding the lease, deterministically, by its target: a
 * `sql` table on the MariaDB server that this test holds with LOCK TABLES ... WRITE until the four
 * others have exited. Then the test lets go and checks the winner wrote every record once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openStateStore } from '../../engine/state/store.js';
import { startCli, type CliResult } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/mysql.js';
import { tempDir } from '../helpers/tmp.js';

const N = 5;
const RECORDS = 40;
const SECRET = 'c'.repeat(64);

interface Database {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A project whose pipeline reads in.jsonl and upserts into `postings` on the MariaDB server. */
function project(target: Database): string {
  const dir = tempDir();
  const lines = Array.from({ length: RECORDS }, (_, i) =>
    JSON.stringify({ id: `P${String(i).padStart(4, '0')}`, amount: i * 10 }),
  );
  writeFileSync(join(dir, 'in.jsonl'), lines.join('\n') + '\n');
  const u = new URL(target.url);
  writeFileSync(
    join(dir, 'connections.yaml'),
    stringify({
      connections: {
        files: { connector: 'file' },
        ledgerdb: {
          connector: 'sql',
          url: `mysql://${u.username}:\${env:TARGET_DB_PASSWORD}@${u.host}/${target.name}`,
        },
      },
    }),
  );
  writeFileSync(
    join(dir, 'p.yaml'),
    stringify({
      version: 1,
      name: 'concurrent-postings',
      source: { connection: 'files', resource: 'records', options: { path: 'in.jsonl' } },
      transform: '{ "id": id, "amount": amount }',
      target: { connection: 'ledgerdb', resource: 'table', options: { table: 'postings' }, mode: 'upsert', key: 'id' },
    }),
  );
  return dir;
}

describe.each([
  { store: 'MariaDB', state: async () => (await createTestDatabase('conc_state')).url },
  { store: 'SQLite', state: () => Promise.resolve(`sqlite:${tempDir()}/state.db`) },
])('five sluice runs at once on a new $store state store', ({ state }) => {
  let target: Database;
  let admin: mysql.Connection;
  beforeAll(async () => {
    target = await createTestDatabase('conc_target');
    admin = await mysql.createConnection(target.url);
    await admin.query('CREATE TABLE postings (id varchar(20) PRIMARY KEY, amount int NOT NULL)');
  });
  afterAll(async () => {
    await admin.end();
    await target.drop();
  });

  it('opens the store in all five, runs one, and refuses the other four naming it', { timeout: 180_000 }, async () => {
    const dir = project(target);
    const stateUrl = await state();
    const env = { TARGET_DB_PASSWORD: new URL(target.url).password, SLUICE_SECRET_KEY: SECRET };
    // The winner's writes (and reads) of the target wait behind this lock.
    await admin.query('LOCK TABLES postings WRITE');
    let unlocked = false;
    const unlock = async (): Promise<void> => {
      if (unlocked) return;
      unlocked = true;
      await admin.query('UNLOCK TABLES');
    };
    const procs = Array.from({ length: N }, () =>
      startCli(['run', 'p.yaml', '--state', stateUrl, '--no-progress', '--log-format', 'json'], { cwd: dir, env }),
    );
    try {
      const finished: { index: number; result: CliResult }[] = [];
      const fourExited = new Promise<void>((resolve) => {
        procs.forEach((p, index) =>
          p.done.then((result) => {
            finished.push({ index, result });
            if (finished.length === N - 1) resolve();
          }),
        );
      });
      await fourExited;
      const show = (r: CliResult): string => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
      for (const { result } of finished) {
        expect(result.code, show(result)).toBe(1);
        expect(result.stdout).toContain('error LEASE_HELD: pipeline "concurrent-postings" is being run by ');
        expect(`${result.stdout}${result.stderr}`).not.toMatch(/STATE_STORE|Migration table|ER_|deadlock|Duplicate/i);
      }
      const winnerIndex = procs.findIndex((_, i) => !finished.some((f) => f.index === i));
      const winner = procs[winnerIndex]!;
      expect(winner.child.exitCode).toBeNull(); // still running: blocked on the locked target

      // Every refusal names the run that holds the lease: the winner's run id and process.
      const leaseStore = await openStateStore({ url: stateUrl, secretKey: SECRET });
      const holder = await leaseStore.leaseHolder('concurrent-postings');
      expect(holder?.pid).toBe(winner.child.pid);
      for (const { result } of finished)
        expect(result.stdout).toContain(
          `being run by ${holder!.holder} (host ${holder!.host}, pid ${winner.child.pid},`,
        );

      await unlock();
      const won = await winner.done;
      expect(won.code, show(won)).toBe(0);
      expect(won.stdout).toContain(`(run ${holder!.holder})`);
      expect(won.stdout).toContain(`created ${RECORDS}`);

      const [rows] = (await admin.query('SELECT id, amount FROM postings ORDER BY id')) as unknown as [
        { id: string; amount: number }[],
      ];
      expect(rows).toHaveLength(RECORDS);
      expect(new Set(rows.map((r) => r.id)).size).toBe(RECORDS);
      expect(rows[7]).toEqual({ id: 'P0007', amount: 70 });
      expect(await leaseStore.ledgerCount('concurrent-postings')).toEqual({ written: RECORDS });
      const runs = await leaseStore.runList('concurrent-postings', 10);
      expect(runs.map((r) => r.status).sort()).toEqual(['failed', 'failed', 'failed', 'failed', 'succeeded']);
      expect(runs.find((r) => r.status === 'succeeded')?.id).toBe(holder!.holder);
      expect(await leaseStore.leaseHolder('concurrent-postings')).toBeUndefined();
      await leaseStore.close();
    } finally {
      await unlock();
      for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await Promise.all(procs.map((p) => p.done));
    }
  });
});
