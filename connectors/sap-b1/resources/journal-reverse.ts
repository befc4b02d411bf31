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
 */
import type { DataRecord, ReverseOp, WriteOutcome } from '../../../engine/connector/types.js';
import { ConnectorError, RecordError } from '../../../engine/errors.js';
import { SAP_B1_ERRORS } from '../errors.js';
import { normalizeRecord } from '../records.js';
import { findByField } from './key-lookup.js';
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
    let byKey = new Map<string, DataRecord[]>();
    try {
      const rows = await findByField(ctx.client, {
        entitySet: 'JournalEntries',
        field: ref,
        keys: writes.map((w) => w.key),
        orderBy: 'JdtNum',
      });
      byKey = new Map();
      for (const raw of rows) {
        const e = normalizeRecord(raw);
        const k = String(e[ref]);
        byKey.set(k, [...(byKey.get(k) ?? []), e]);
      }
    } catch (err) {
      ctx.logger.warn({ err: (err as Error).message }, 'sap-b1: cannot look for the reversals just made');
    }
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
      } else outcomes.set(op.key, answer);
    }
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
