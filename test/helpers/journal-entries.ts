/** Assertions on the SAP B1 emulator's journal entries, shared by the posting pipelines' e2e tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { DemoEnvironment } from '../../engine/cli/demo/environment.js';
import { PIPELINES_DIR } from './demo-env.js';

export type Json = Record<string, unknown>;

/** A journal entry line as the SAP B1 emulator returns it (the fields the posting tests read). */
export interface Line {
  AccountCode: string;
  ShortName: string;
  Debit: number;
  Credit: number;
  FCDebit?: number | null;
  FCCredit?: number | null;
  FCCurrency?: string | null;
  CostingCode?: string | null;
  ProjectCode?: string | null;
  LineMemo?: string | null;
}

export const cents = (n: unknown): number => Math.round(Number(n ?? 0) * 100);
export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** The shipped expense type → G/L account mapping. */
export function glMapping(): Map<string, string> {
  const rows = readFileSync(join(PIPELINES_DIR, 'mappings', 'concur-expense-types-to-gl.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return new Map(rows.map((r) => r.split(',') as [string, string]));
}

/** Every journal entry whose Reference starts with `prefix`, cancelled ones and reversals included. */
export function allEntries(env: DemoEnvironment, prefix: string): Json[] {
  return env.b1.entities('JournalEntries').filter((e) => String(e.Reference ?? '').startsWith(prefix));
}

/** Cancelled journal entry JdtNum → its reversal's JdtNum, as SAP B1 (the emulator) keeps them. */
export function reversals(env: DemoEnvironment): Map<number, number> {
  return new Map(env.b1.store.hidden.reversals);
}

/**
 * Journal entries whose Reference starts with `prefix` (the pipeline's dedupe key prefix) that
 * stand: neither cancelled nor a cancellation's reversal.
 */
export function postedEntries(env: DemoEnvironment, prefix: string): Json[] {
  const gone = new Set([...env.b1.store.hidden.reversals].flat());
  return allEntries(env, prefix).filter((e) => !gone.has(e.JdtNum as number));
}

/**
 * SAP B1's currency rule for a line (fact sheet §12): foreign-currency amounts only on an account or
 * business partner in that currency or in all (`##`); every line carries its local amount, at the
 * rate given, to the cent (one line may differ by the rounding difference); the entry balances in
 * local currency. Returns how many lines kept the foreign currency and how many were posted local.
 */
export function expectCurrencyRules(
  env: DemoEnvironment,
  je: Json,
  currency: string,
  rate: number,
): {
  foreign: number;
  local: number;
} {
  const lines = je.JournalEntryLines as Line[];
  const accounts = new Map(env.b1.entities('ChartOfAccounts').map((a) => [a.Code, a.AcctCurrency]));
  const partners = new Map(env.b1.entities('BusinessPartners').map((b) => [b.CardCode, b.Currency]));
  const holderCurrency = (l: Line): unknown =>
    l.ShortName && l.ShortName !== l.AccountCode ? partners.get(l.ShortName) : accounts.get(l.AccountCode);
  let foreign = 0;
  let off = 0;
  for (const l of lines) {
    const takes = holderCurrency(l) === currency || holderCurrency(l) === '##';
    const where = `${String(je.Reference)} line ${l.ShortName || l.AccountCode}`;
    if (l.FCCurrency) {
      expect(l.FCCurrency, where).toBe(currency);
      expect(takes, `${where}: ${currency} amounts on a holder in ${String(holderCurrency(l))}`).toBe(true);
      foreign++;
      const diff = Math.abs(
        cents(l.Debit) + cents(l.Credit) - cents((Number(l.FCDebit ?? 0) + Number(l.FCCredit ?? 0)) * rate),
      );
      expect(diff, `${where}: local amount at ${rate}`).toBeLessThanOrEqual(1);
      if (diff > 0) off++;
    } else expect(takes, `${where}: posted local though it takes ${currency}`).toBe(false);
  }
  expect(off, `${String(je.Reference)}: rounding lands on one line`).toBeLessThanOrEqual(1);
  expect(sum(lines.map((l) => cents(l.Debit))), `${String(je.Reference)} balances in local currency`).toBe(
    sum(lines.map((l) => cents(l.Credit))),
  );
  return { foreign, local: lines.length - foreign };
}

/** Every posted journal entry by its reference; fails when a reference occurs twice. */
export function entriesByReference(env: DemoEnvironment, prefix: string): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const e of postedEntries(env, prefix)) {
    const ref = String(e.Reference);
    expect(out.has(ref), `two journal entries carry ${ref}`).toBe(false);
    out.set(ref, e);
  }
  return out;
}

/**
 * Waits until every create a killed run left pending can be settled: the latest `settleAfter` in the
 * ledger has passed. A wait for a moment the state store names, not a guess about how long it takes.
 */
export async function untilSettleable(stateUrl: string, pipeline: string): Promise<number> {
  const { openStateStore } = await import('../../engine/state/store.js');
  const state = await openStateStore({ url: stateUrl });
  let latest = 0;
  let pending = 0;
  try {
    for await (const page of state.ledgerPending(pipeline)) {
      for (const e of page) {
        pending++;
        latest = Math.max(latest, Date.parse(e.settleAfter ?? '1970-01-01T00:00:00Z'));
      }
    }
  } finally {
    await state.close();
  }
  // The CLI runs on the system clock: wait for that moment (one timer, re-armed if it fires early).
  while (Date.now() <= latest) await new Promise((r) => setTimeout(r, latest - Date.now() + 1));
  return pending;
}
