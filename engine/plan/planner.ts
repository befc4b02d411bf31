/**
 * The planner: streams source pages, checks each record's values, transforms it with the compiled
 * JSONata expression, computes dedupe keys, and classifies each target record against the ledger
 * (with pending creates settled, see settle.ts) and the target as create / update / noop / locked /
 * in-doubt. Operations and attention entries go to a spill as they are produced; memory stays flat
 * however large the source is. Rows the source cannot read, and records that fail, are parked with
 * their reason; the others go on.
 */
import type { DataRecord } from '../connector/types.js';
import { RecordFailure } from '../errors.js';
import { KeyIndex } from './keyindex.js';
import type { ClassifyContext } from './classify.js';
import { finishPage } from './page-finish.js';
import { preparePage } from './page-prepare.js';
import type { PlannerInput, PlannerResult, PlannerRun } from './planner-types.js';
import type { PlanAttention } from './types.js';

export type { PlannerInput, PlannerResult } from './planner-types.js';

/** Runs the source through transform, keys and classification into `input.spill`. */
export async function runPlanner(input: PlannerInput): Promise<PlannerResult> {
  const out: PlannerResult = {
    read: 0,
    rejected: 0,
    skipped: 0,
    keys: new KeyIndex(4096, false),
    duplicates: new Map(),
    cursorTo: undefined,
    cursorKeyTo: undefined,
    unkeyed: 0,
    sourceRecords: new Map(),
    completeRead: input.since === undefined,
    rejectedKeys: [],
    reused: 0,
    forcedSeen: new Set(),
    held: 0,
    heldRefused: 0,
  };
  const heldRefused = new Set<string>();
  const park = async (att: PlanAttention): Promise<void> => {
    if (input.onError === 'fail') {
      throw new RecordFailure(
        'RECORD_FAILED',
        `record ${att.sourceKey}: ${att.message} (on_error: fail stops the run)`,
        { recordKey: att.sourceKey },
      );
    }
    run.attention++;
    await input.spill.add({ t: 'att', att });
  };
  const ctx: ClassifyContext = {
    lookup: input.lookup,
    ledger: input.ledger,
    settlement: input.settlement,
    capabilities: input.capabilities,
    mode: input.mode,
    corrections: input.corrections ?? 'lock',
    ...(input.routeConnections && { routeConnections: input.routeConnections }),
    keepTargetRecords: input.keepSourceRecords,
    spill: input.spill,
    park,
  };
  const run: PlannerRun = {
    input,
    out,
    ctx,
    resync: new Map(input.resync),
    rejects: [],
    heldRefused,
    attention: 0,
    park,
  };
  const { resync, rejects } = run;

  const pages = input.source.read({
    ...(input.since !== undefined && { since: input.since }),
    ...(input.cursorField !== undefined && { cursorField: input.cursorField }),
    ...(input.sinceKey !== undefined && { sinceKey: input.sinceKey }),
    ...(input.pageSize !== undefined && { pageSize: input.pageSize }),
    ...(input.dryRun && { dryRun: true }),
    ...(input.signal && { signal: input.signal }),
    reject: (row) => rejects.push(row),
  });
  // One page is finished while the next is prepared (and transformed).
  let finishing: Promise<void> = Promise.resolve();
  const page = async (records: DataRecord[], fromResync: boolean): Promise<void> => {
    const next = await preparePage(run, records, fromResync);
    await finishing;
    finishing = finishPage(run, next);
    finishing.catch(() => undefined); // awaited before the next page, or below
  };
  try {
    for await (const p of pages) await page(p, false);
    await page([], false); // rejects reported after the last page
    // Parked records the source did not return again are processed from their stored payload.
    const rest = [...resync.values()];
    for (let i = 0; i < rest.length; i += 500) await page(rest.slice(i, i + 500), true);
  } catch (err) {
    await finishing.catch(() => undefined); // nothing goes on writing the plan after a failure
    throw err;
  }
  await finishing;
  out.heldRefused = heldRefused.size;
  return out;
}
