/** The input files, generated once per benchmark by streaming (never held in memory). */
import { join } from 'node:path';
import { writeAccounts } from './file-pipeline.js';
import { changedCount, changedOnePercent, writeJsonl } from './workload.js';

export interface Inputs {
  records: number;
  base: string;
  /** The same records with every 100th changed. */
  changed: string;
  changedCount: number;
  accounts: string;
}

export async function writeInputs(dir: string, records: number, withChanged = true): Promise<Inputs> {
  const base = join(dir, `in-${records}.jsonl`);
  const changed = join(dir, `in-${records}-changed.jsonl`);
  const accounts = join(dir, 'accounts.json');
  writeAccounts(accounts);
  await writeJsonl(base, records);
  if (withChanged) await writeJsonl(changed, records, changedOnePercent);
  return { records, base, changed, changedCount: changedCount(records), accounts };
}
