/**
 * A table as target. The binding's key column identifies rows (the target id is its value).
 * Each statement runs in its own transaction: a failure before COMMIT applied nothing, one during
 * COMMIT is in doubt (`writeOutcome`, see transaction.ts); records refused here were never sent.
 * Creates and updates are upserts (`insert ... on conflict (key) merge`), batched in one statement
 * per column set; when a batch fails for a reason that is not transient, each row is written alone
 * so one bad row fails alone. Deletes are one DELETE (or the deactivate UPDATE) per call.
 */
import type { DataRecord, TargetRecord, TargetResource, WriteOp, WriteOutcome } from '../../engine/connector/types.js';
import { ConfigError, RecordError, type SluiceError } from '../../engine/errors.js';
import type { SqlClient } from './client.js';
import { readKeyset } from './read.js';
import { applyWhere, tableRef, tableRelation, type TableOptions } from './relation.js';
import { writeDeletes, writeUpserts, type Pending, type WriteContext } from './write.js';

const LOOKUP_CHUNK = 1000;

/** Drivers return booleans as 0/1: compare flag values in that form. */
function comparable(value: unknown): string {
  return typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
}

export class SqlTarget implements TargetResource {
  /**
   * SQLite commits before the call returns. A MySQL/MariaDB COMMIT whose answer was lost may still
   * be finishing on the server (group commit, a semi-synchronous replica's wait): a short window.
   */
  get commitWindowMs(): number {
    return this.client.kind === 'mysql' ? 10_000 : 0;
  }
  private readonly options: TableOptions;

  constructor(
    private readonly client: SqlClient,
    raw: DataRecord,
    private readonly keyField: string,
  ) {
    tableRelation(raw); // validates
    this.options = raw as unknown as TableOptions;
  }

  private toTarget(row: DataRecord): TargetRecord {
    const key = String(row[this.keyField]);
    const t: TargetRecord = { key, id: key, record: { ...row } };
    const d = this.options.deactivate;
    if (d) t.active = comparable(row[d.column]) !== comparable(d.inactiveValue);
    return t;
  }

  async lookup(keys: string[]): Promise<Map<string, TargetRecord>> {
    const result = new Map<string, TargetRecord>();
    const wanted = new Set(keys);
    for (let i = 0; i < keys.length; i += LOOKUP_CHUNK) {
      const chunk = keys.slice(i, i + LOOKUP_CHUNK);
      const rows = await this.client.run<DataRecord[]>(`lookup in ${this.options.table}`, (knex) =>
        applyWhere(tableRef(knex, this.options), this.options.where)
          .select(this.options.columns ? [...new Set([...this.options.columns, this.keyField])] : '*')
          .whereIn(this.keyField, chunk),
      );
      for (const row of rows) {
        const t = this.toTarget(row);
        // Exact match only: a case-insensitive collation may return 'ABC' for 'abc'.
        if (wanted.has(t.key)) result.set(t.key, t);
      }
    }
    return result;
  }

  async *list(): AsyncIterable<TargetRecord[]> {
    const relation = { ...tableRelation({ ...this.options }), key: this.keyField, orderBy: undefined };
    for await (const rows of readKeyset(this.client, relation, {}, this.options.table))
      yield rows.map((r) => this.toTarget(r));
  }

  private prepare(op: WriteOp & { record: DataRecord }): DataRecord | SluiceError {
    const record: DataRecord = { ...op.record };
    const given = record[this.keyField];
    if (given === undefined || given === null) record[this.keyField] = op.key;
    else if (String(given) !== op.key)
      return new RecordError(
        'KEY_MISMATCH',
        `the record's "${this.keyField}" is "${String(given)}", not its key "${op.key}"`,
        { recordKey: op.key, writeOutcome: 'not-applied' },
      );
    for (const [column, value] of Object.entries(this.options.where ?? {})) {
      if (record[column] === undefined) record[column] = value;
      else if (record[column] !== value) {
        return new RecordError(
          'SQL_OUTSIDE_FILTER',
          `"${column}" is ${JSON.stringify(record[column])}, but this target only holds rows where it is ${JSON.stringify(value)}`,
          { recordKey: op.key, writeOutcome: 'not-applied' },
        );
      }
    }
    const d = this.options.deactivate;
    if (d && record[d.column] === undefined) record[d.column] = d.activeValue;
    for (const [column, value] of Object.entries(record)) {
      if (value === undefined) delete record[column];
      else if (typeof value === 'object' && value !== null && !(value instanceof Date) && !Buffer.isBuffer(value)) {
        return new RecordError(
          'SQL_UNSUPPORTED_VALUE',
          `"${column}" is ${Array.isArray(value) ? 'an array' : 'an object'}: a column holds a scalar (serialise it in the transform)`,
          { recordKey: op.key, writeOutcome: 'not-applied' },
        );
      }
    }
    return record;
  }

  async write(ops: WriteOp[]): Promise<WriteOutcome[]> {
    const outcomes = new Map<WriteOp, WriteOutcome>();
    const upserts: Pending[] = [];
    const deletes: Pending[] = [];
    const deactivates: Pending[] = [];
    for (const op of ops) {
      if (op.op === 'delete') {
        if (op.action === 'deactivate' && !this.options.deactivate) {
          outcomes.set(op, {
            key: op.key,
            ok: false,
            error: new ConfigError(
              'SQL_DEACTIVATE_NOT_CONFIGURED',
              `table ${this.options.table}: the deactivate action needs the \`deactivate\` option`,
              { recordKey: op.key, writeOutcome: 'not-applied' },
            ),
          });
        } else (op.action === 'delete' ? deletes : deactivates).push({ op, row: { [this.keyField]: op.id } });
        continue;
      }
      const row = this.prepare(op);
      if (row instanceof Error) outcomes.set(op, { key: op.key, ok: false, error: row });
      else upserts.push({ op, row });
    }
    const context: WriteContext = { client: this.client, options: this.options, keyField: this.keyField };
    const results = [
      ...(await writeUpserts(context, upserts)),
      ...(await writeDeletes(context, deletes, 'delete')),
      ...(await writeDeletes(context, deactivates, 'deactivate')),
    ];
    for (const [op, outcome] of results) outcomes.set(op, outcome);
    return ops.map((op) => outcomes.get(op)!);
  }
}
