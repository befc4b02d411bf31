/** Whether an insert failed because the row's key is already there (MariaDB/MySQL or SQLite). */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { errno?: number; code?: string };
  return e.errno === 1062 || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
