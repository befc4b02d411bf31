/**
 * MySQL runs every DDL statement on its own (with an implicit commit), so a migration that stops
 * halfway leaves the statements before that point applied. `StatementRunner` hands a migration a
 * knex whose schema builders run their statements one at a time and report each completed one, so
 * an interrupted migration resumes after the last statement that completed:
 * - statements before `resumeFrom` completed in the interrupted attempt and are skipped;
 * - the statement at `resumeFrom` may have completed just before the interruption, without its
 *   completion being recorded: when re-running it fails because what it creates already exists
 *   (or what it drops is already gone), it is taken as done.
 * Schema builders whose results a migration reads (hasTable, hasColumn) run as knex runs them, and
 * so do queries that are not schema builders: a data statement in a migration must be idempotent.
 */
import type { Knex } from 'knex';

/** Errors meaning "this DDL statement's effect is already there". */
const ALREADY_APPLIED = new Set([
  1050, // ER_TABLE_EXISTS_ERROR
  1051, // ER_BAD_TABLE_ERROR (dropping a table that is gone)
  1060, // ER_DUP_FIELDNAME
  1061, // ER_DUP_KEYNAME
  1068, // ER_MULTIPLE_PRI_KEY
  1091, // ER_CANT_DROP_FIELD_OR_KEY
  1826, // ER_FK_DUP_NAME
]);

interface CompiledStatement {
  sql: string;
  bindings?: readonly unknown[];
  output?: unknown;
}

export class StatementRunner {
  /** Index of the next statement (0-based), over the whole migration. */
  next = 0;
  /** The statement in flight, for error messages. */
  current: { index: number; sql: string } | undefined;
  /** Statements taken as done on resume because their effect was already there. */
  readonly tolerated: { index: number; sql: string; error: string }[] = [];

  constructor(
    private readonly trx: Knex,
    /** Statements an interrupted attempt completed. */
    readonly resumeFrom: number,
    /** Whether an earlier attempt of this migration was interrupted. */
    private readonly resuming: boolean,
    private readonly completed: (count: number) => Promise<void>,
  ) {}

  /** The knex to pass to the migration. */
  knex(): Knex {
    return new Proxy(this.trx, {
      get: (target, prop, receiver) =>
        prop === 'schema' ? this.schema(target.schema) : (Reflect.get(target, prop, receiver) as unknown),
    });
  }

  private schema(builder: Knex.SchemaBuilder): Knex.SchemaBuilder {
    const run = (): Promise<unknown> => this.run(builder);
    const proxy: Knex.SchemaBuilder = new Proxy(builder, {
      get(target, prop) {
        if (prop === 'then')
          return (onOk?: (v: unknown) => unknown, onErr?: (e: unknown) => unknown) => run().then(onOk, onErr);
        if (prop === 'catch') return (onErr?: (e: unknown) => unknown) => run().catch(onErr);
        if (prop === 'finally') return (f?: () => void) => run().finally(f);
        const v = Reflect.get(target, prop, target) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          const out = (v as (...a: unknown[]) => unknown).apply(target, args);
          return out === target ? proxy : out;
        };
      },
    });
    return proxy;
  }

  private async run(builder: Knex.SchemaBuilder): Promise<unknown> {
    const compiled = builder.toSQL() as unknown as CompiledStatement[] | CompiledStatement;
    const statements = Array.isArray(compiled) ? compiled : [compiled];
    if (statements.some((s) => typeof s.sql !== 'string' || typeof s.output === 'function'))
      return new Promise((resolve, reject) => {
        void builder.then(resolve, reject);
      });
    for (const s of statements) {
      const index = this.next++;
      if (index < this.resumeFrom) continue;
      this.current = { index, sql: s.sql };
      try {
        await this.trx.raw(s.sql, (s.bindings ?? []) as Knex.RawBinding[]);
      } catch (err) {
        const errno = (err as { errno?: number }).errno;
        if (!(this.resuming && index === this.resumeFrom && errno !== undefined && ALREADY_APPLIED.has(errno)))
          throw err;
        this.tolerated.push({ index, sql: s.sql, error: (err as Error).message });
      }
      await this.completed(index + 1);
      this.current = undefined;
    }
    return undefined;
  }
}
