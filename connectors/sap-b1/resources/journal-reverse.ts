/**
 * Reversing posted journal entries with `POST JournalEntries(N)/Cancel` (fact sheet §5.4: empty
 * body, 204; SAP creates the sign-swapped reversal and documents neither its id nor how to find
 * it), batched through `$batch` where the connection batches.
 *
 * How a cancelled entry and its reversal are recognised: the 2019 metadata exposes no link between
 * them (no StornoToTransId), so the connector goes by what both carry: the reversal has the
 * original's Reference (the dedupe key) and its lines swapped, debit for credit, on the same
 * accounts and partners. Among the entries of one key, in JdtNum order, an entry that mirrors an
 * earlier unpaired one is that one's reversal: both are left out of `lookup`, so after a
 * correction the key shows its new version only. The same pairing finds the reversal's JdtNum
 * after a Cancel, and tells a second Cancel that SAP refused ("already cancelled") from a real
 * refusal: the entry is reversed, so the reversal is reported as done.
 *
 * Where SAP refuses the Cancel because the original's period is closed since it was posted, the
 * reversal is posted as an entry of its own in an open period (journal-reversal-entry.ts), found by
 * the same pairing. Its outcome, when unknown, is reported in doubt and not retried in this run.
 */
import type { DataRecord, ReverseOp, WriteOutcome } from '../../../engine/connector/types.js';
import { ConnectorError, RecordError } from '../../../engine/errors.js';
import { SAP_B1_ERRORS } from '../errors.js';
import { normalizeRecord } from '../records.js';
import type { FinanceFacts } from './finance-facts.js';
import { findByField } from './key-lookup.js';
import { reversalDate, reversalEntry } from './journal-reversal-entry.js';
import { cents, num, text } from './journal-steps.js';
import type { ResourceContext } from './types.js';
import { runWrites, type PreparedWrite } from './write-runner.js';

function lineSignature(line: DataRecord, swap: boolean): string {
  const [d, c, fd, fc] = swap
    ? [line.Credit, line.Debit, line.FCCredit, line.FCDebit]
    : [line.Debit, line.Credit, line.FCDebit, line.FCCredit];
  return [
    text(line.AccountCode) ?? '',
    text(line.ShortName) ?? '',
    cents(num(d)),
    cents(num(c)),
    text(line.FCCurrency) ?? '',
    cents(num(fd)),
    cents(num(fc)),
  ].join('|');
}

function signature(entry: DataRecord, swap: boolean): string {
  const lines = Array.isArray(entry.JournalEntryLines) ? (entry.JournalEntryLines as DataRecord[]) : [];
  return lines
    .map((l) => lineSignature(l, swap))
    .sort()
    .join('\n');
}

/** Whether `b` reverses `a`: the same lines (as a multiset) with debit and credit swapped. */
export function mirrors(a: DataRecord, b: DataRecord): boolean {
  const lines = a.JournalEntryLines;
  return Array.isArray(lines) && lines.length > 0 && signature(a, false) === signature(b, true);
}

/** Pairs each reversal with the entry it reverses (entries of one key, any order). */
export function pairReversals(entries: DataRecord[], idField = 'JdtNum'): Map<DataRecord, DataRecord> {
  const ordered = [...entries].sort((x, y) => num(x[idField]) - num(y[idField]));
  const pairs = new Map<DataRecord, DataRecord>(); // original → reversal
  const paired = new Set<DataRecord>();
  for (const e of ordered) {
    const original = ordered.find(
      (o) => o !== e && !paired.has(o) && num(o[idField]) < num(e[idField]) && mirrors(o, e),
    );
    if (!original) continue;
    pairs.set(original, e);
    paired.add(original).add(e);
  }
  return pairs;
}

/** The entries of one key that are neither cancelled nor a reversal, in JdtNum order. */
export function liveEntries(entries: DataRecord[], idField = 'JdtNum'): DataRecord[] {
  const pairs = pairReversals(entries, idField);
  const gone = new Set([...pairs.keys(), ...pairs.values()]);
  return entries.filter((e) => !gone.has(e)).sort((x, y) => num(x[idField]) - num(y[idField]));
}

export interface ReverseSpec {
  referenceField: string;
  /** Posting periods, for a reversal entry where Cancel is refused. */
  facts: FinanceFacts;
  /** Today, `YYYY-MM-DD`. */
  today(): string;
}

type Entries = Map<string, DataRecord[]>;

async function entriesByKey(ctx: ResourceContext, ref: string, keys: string[]): Promise<Entries> {
  const rows = await findByField(ctx.client, { entitySet: 'JournalEntries', field: ref, keys, orderBy: 'JdtNum' });
  const byKey: Entries = new Map();
  for (const raw of rows) {
    const e = normalizeRecord(raw);
    const k = String(e[ref]);
    byKey.set(k, [...(byKey.get(k) ?? []), e]);
  }
  return byKey;
}

function reversalOf(entries: DataRecord[] | undefined, id: string): DataRecord | undefined {
  const list = entries ?? [];
  const original = list.find((e) => String(e.JdtNum) === id);
  return original ? pairReversals(list).get(original) : undefined;
}

/** Posts reversal entries for originals SAP would not cancel (their period is closed). */
async function postReversalEntries(
  ctx: ResourceContext,
  spec: ReverseSpec,
  pending: { op: ReverseOp; original: DataRecord; refusal: WriteOutcome }[],
): Promise<WriteOutcome[]> {
  const date = reversalDate(await spec.facts.postingPeriods(), spec.today());
  if (date === undefined) return pending.map((p) => p.refusal);
  const ref = spec.referenceField;
  const writes: PreparedWrite[] = pending.map(({ op, original }) => ({
    key: op.key,
    method: 'POST',
    path: 'JournalEntries',
    json: reversalEntry(original, ref, op.key, date),
    create: true,
    idOf: (body) => String(body.JdtNum ?? ''),
  }));
  // An answer lost: look for the reversal; not found yet is in doubt, never posted again in this run.
  const recover = async (keys: string[], cause: Error): Promise<Map<string, WriteOutcome>> => {
    const found = await entriesByKey(ctx, ref, keys).catch(() => new Map() as Entries);
    const out = new Map<string, WriteOutcome>();
    for (const { op } of pending.filter((p) => keys.includes(p.op.key))) {
      const reversal = reversalOf(found.get(op.key), op.id);
      out.set(
        op.key,
        reversal
          ? { key: op.key, ok: true, id: String(reversal.JdtNum) }
          : {
              key: op.key,
              ok: false,
              error: new ConnectorError(
                SAP_B1_ERRORS.unexpected,
                `the reversal entry of journal entry ${op.id} may have been posted (${cause.message}); the next run looks for it`,
                { retryable: false, writeOutcome: 'unknown', cause },
              ),
            },
      );
    }
    return out;
  };
  const answers = await runWrites(ctx.client, writes, recover);
  for (const a of answers)
    if (a.ok) ctx.logger.info({ key: a.key, reversal: a.id }, `sap-b1: posted a reversal entry on ${date}`);
  return answers;
}

/** `TargetResource.reverse` for journal entries. */
export function journalReverser(
  ctx: ResourceContext,
  spec: ReverseSpec,
): (ops: ReverseOp[]) => Promise<WriteOutcome[]> {
  const ref = spec.referenceField;
  return async (ops) => {
    const outcomes = new Map<string, WriteOutcome>();
    const writes: PreparedWrite[] = [];
    for (const op of ops) {
      if (!/^\d+$/.test(op.id)) {
        outcomes.set(op.key, {
          key: op.key,
          ok: false,
          error: new RecordError('SAP_B1_BAD_ID', `journal entry id "${op.id}" is not a JdtNum`, { recordKey: op.key }),
        });
        continue;
      }
      if (writes.some((w) => w.key === op.key)) continue;
      writes.push({
        key: op.key,
        method: 'POST',
        path: `JournalEntries(${op.id})/Cancel`,
        create: false, // a second Cancel is refused: sending one again is safe
        idOf: () => '',
      });
    }
    const sent = await runWrites(ctx.client, writes, () => Promise.resolve(new Map()));
    // Whatever the answers said, the entries tell what happened: find each reversal by the key.
    let byKey: Entries = new Map();
    try {
      byKey = await entriesByKey(
        ctx,
        ref,
        writes.map((w) => w.key),
      );
    } catch (err) {
      ctx.logger.warn({ err: (err as Error).message }, 'sap-b1: cannot look for the reversals just made');
    }
    const closed: { op: ReverseOp; original: DataRecord; refusal: WriteOutcome }[] = [];
    for (const answer of sent) {
      const op = ops.find((o) => o.key === answer.key) as ReverseOp;
      const entries = byKey.get(op.key) ?? [];
      const original = entries.find((e) => String(e.JdtNum) === op.id);
      const reversal = original ? pairReversals(entries).get(original) : undefined;
      if (reversal) {
        if (!answer.ok)
          ctx.logger.info(
            { key: op.key, id: op.id, reversal: reversal.JdtNum },
            `sap-b1: journal entry ${op.id} is reversed already (${answer.error?.message ?? ''})`,
          );
        outcomes.set(op.key, { key: op.key, ok: true, id: String(reversal.JdtNum) });
      } else if (answer.ok) {
        ctx.logger.warn(
          { key: op.key, id: op.id },
          `sap-b1: journal entry ${op.id} was cancelled; its reversal was not found by ${ref}`,
        );
        outcomes.set(op.key, { key: op.key, ok: true });
      } else if (original && answer.error?.code === SAP_B1_ERRORS.periodClosed)
        closed.push({ op, original, refusal: answer });
      else outcomes.set(op.key, answer);
    }
    if (closed.length > 0) for (const o of await postReversalEntries(ctx, spec, closed)) outcomes.set(o.key, o);
    return ops.map(
      (op) =>
        outcomes.get(op.key) ?? {
          key: op.key,
          ok: false,
          error: new ConnectorError(SAP_B1_ERRORS.unexpected, `no outcome for the reversal of ${op.id}`, {
            retryable: true,
            writeOutcome: 'unknown',
          }),
        },
    );
  };
}
