/**
 * A SQL source row holding a value no amount may carry (SQLite stores 9e999 as Infinity) is parked
 * with its key; the other rows are written; the run exits 3 and the target never sees the value.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fileConnector } from '../../connectors/file/index.js';
import { sqlConnector } from '../../connectors/sql/index.js';
import { createRegistry } from '../../engine/connector/registry.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { runSession } from '../../engine/run/session.js';
import { openStateStore } from '../../engine/state/store.js';
import { tempDir } from '../helpers/tmp.js';

describe('bad rows from a sql source', () => {
  it('parks the row with an infinite amount and writes the others', async () => {
    const dir = tempDir();
    const db = new Database(join(dir, 'erp.db'));
    db.exec('CREATE TABLE invoices (id TEXT PRIMARY KEY, amount REAL)');
    const insert = db.prepare('INSERT INTO invoices VALUES (?, ?)');
    insert.run('i1', 10.5);
    db.exec("INSERT INTO invoices VALUES ('i2', 9e999)");
    insert.run('i3', 7);
    db.close();
    writeFileSync(
      join(dir, 'connections.yaml'),
      stringify({ connections: { erp: { connector: 'sql', url: 'sqlite:erp.db' }, out: { connector: 'file' } } }),
    );
    writeFileSync(
      join(dir, 'p.yaml'),
      stringify({
        version: 1,
        name: 'sql-bad-rows',
        source: { connection: 'erp', resource: 'table', options: { table: 'invoices', key: 'id' } },
        transform: '{ "id": id, "amount": amount }',
        target: { connection: 'out', resource: 'records', options: { path: 'out.jsonl' }, mode: 'upsert', key: 'id' },
      }),
    );
    const state = await openStateStore({ url: `sqlite:${join(dir, 'state.db')}`, secretKey: 'k'.repeat(64) });
    try {
      const r = await runSession({
        command: 'run',
        subject: { kind: 'pipeline-file', path: join(dir, 'p.yaml') },
        registry: createRegistry([sqlConnector, fileConnector]),
        logger: silentLogger(),
        state,
      });
      expect(r.exitCode).toBe(3);
      const out = readFileSync(join(dir, 'out.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      expect(out).toEqual([
        { id: 'i1', amount: 10.5 },
        { id: 'i3', amount: 7 },
      ]);
      const [entry] = await state.attentionList({ pipeline: 'sql-bad-rows' });
      expect(entry).toMatchObject({ sourceKey: 'i2', stage: 'read', code: 'RECORD_NOT_FINITE', reasonClass: 'data' });
    } finally {
      await state.close();
    }
  });
});
