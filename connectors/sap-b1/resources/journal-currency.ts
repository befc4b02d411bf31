/**
 * Foreign-currency journal lines as SAP B1 accepts them (fact sheet §12). A line carrying
 * `FCCurrency` is posted in that currency only to an account (`AcctCurrency`) or partner
 * (`Currency`) in that currency or in all (`##`), with its local amount converted at SAP B1's own
 * rate for the posting date; on any other account or partner it posts the converted local amount
 * and its FC fields are dropped. Each converted amount is rounded to the cent; what rounding leaves
 * unbalanced goes on one converted line, named in a note, so the entry balances in local currency.
 * A missing rate parks the record (reason class data) unless `rates.fallback: last-earlier` names
 * the policy of taking the last earlier rate (then the lines post in local currency only).
 */
import type { DataRecord } from '../../../engine/connector/types.js';
import { SAP_B1_ERRORS } from '../errors.js';
import type { FinanceFacts, HolderKind } from './finance-facts.js';
import type { RateFallback } from './journal-options.js';
import { postingDate } from './journal-periods.js';
import { cents, num, text, type Step } from './journal-steps.js';

const RATE_MISSING = SAP_B1_ERRORS.rateMissing;

export interface CurrencyOptions {
  fallback: RateFallback;
  /** How many days before the posting date `last-earlier` looks for a rate. */
  fallbackDays: number;
}

interface LineHolder {
  kind: HolderKind;
  code: string;
}

const ALL_CURRENCIES = '##';
const DAY = 86_400_000;
const dayBefore = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) - n * DAY).toISOString().slice(0, 10);

/** Local amount of a foreign one, to the cent (half away from zero, float noise removed). */
export function convert(amount: number, rate: number): number {
  return Math.round(Number((amount * rate * 100).toFixed(6))) / 100;
}

function foreignLines(record: DataRecord): DataRecord[] {
  const lines = record.JournalEntryLines;
  return Array.isArray(lines) ? (lines as DataRecord[]).filter((l) => text(l?.FCCurrency) !== undefined) : [];
}

/** What a line posts to: a partner named in ShortName (when SAP has it), else the G/L account. */
function candidates(line: DataRecord): { partner?: string; account?: string } {
  const account = text(line.AccountCode);
  const short = text(line.ShortName);
  if (short !== undefined && short !== account) return { partner: short, ...(account && { account }) };
  return account ? { account } : {};
}

function holderOf(facts: FinanceFacts, line: DataRecord): LineHolder | undefined {
  const { partner, account } = candidates(line);
  if (partner !== undefined && facts.holder('partner', partner)) return { kind: 'partner', code: partner };
  const code = account ?? partner;
  return code !== undefined && facts.holder('account', code) ? { kind: 'account', code } : undefined;
}

interface Rate {
  rate: number;
  date: string;
}

async function rateFor(
  facts: FinanceFacts,
  currency: string,
  date: string,
  o: CurrencyOptions,
): Promise<Rate | undefined> {
  const on = await facts.rate(currency, date);
  if (on !== undefined) return { rate: on, date };
  if (o.fallback !== 'last-earlier') return undefined;
  for (let n = 1; n <= o.fallbackDays; n++) {
    const earlier = dayBefore(date, n);
    const r = await facts.rate(currency, earlier);
    if (r !== undefined) return { rate: r, date: earlier };
  }
  return undefined;
}

const lineName = (line: DataRecord, n: number): string =>
  `line ${n} (${text(line.ShortName) ?? text(line.AccountCode) ?? '?'})`;

/** Puts what rounding left over on one converted line; a note says which. */
function balance(lines: DataRecord[], converted: Set<number>, local: string): string | undefined {
  const debit = lines.reduce((s, l) => s + cents(num(l.Debit)), 0);
  const credit = lines.reduce((s, l) => s + cents(num(l.Credit)), 0);
  const diff = debit - credit;
  if (diff === 0 || Math.abs(diff) > converted.size) return undefined; // more than rounding: check() reports it
  const pick = (side: 'Debit' | 'Credit'): number | undefined => {
    let best: number | undefined;
    for (const i of converted)
      if (num(lines[i]![side]) > 0 && (best === undefined || num(lines[i]![side]) >= num(lines[best]![side]))) best = i;
    return best;
  };
  const add = diff > 0 ? 'Credit' : 'Debit';
  let i = pick(add);
  let side: 'Debit' | 'Credit' = add;
  let delta = Math.abs(diff);
  if (i === undefined) {
    side = add === 'Debit' ? 'Credit' : 'Debit';
    i = pick(side);
    delta = -delta;
    if (i === undefined || cents(num(lines[i]![side])) + delta <= 0) return undefined;
  }
  const line = lines[i]!;
  line[side] = (cents(num(line[side])) + delta) / 100;
  const amount = (Math.abs(diff) / 100).toFixed(2);
  return `rounding difference of ${amount} ${local} ${delta > 0 ? 'added to' : 'taken from'} the ${side.toLowerCase()} of ${lineName(line, i + 1)}, so the entry balances in ${local}`;
}

/** Loads what the page's foreign-currency lines need: partners and accounts, once each per run. */
async function loadHolders(facts: FinanceFacts, steps: Step[]): Promise<void> {
  const lines = steps.flatMap((s) => (s.ok ? foreignLines(s.record) : []));
  const partners = lines.map((l) => candidates(l).partner).filter((c): c is string => c !== undefined);
  await facts.loadHolders('partner', partners);
  const accounts = lines
    .map((l) => {
      const c = candidates(l);
      return c.partner !== undefined && facts.holder('partner', c.partner) ? undefined : (c.account ?? c.partner);
    })
    .filter((c): c is string => c !== undefined);
  await facts.loadHolders('account', accounts);
}

async function convertOne(
  step: Extract<Step, { ok: true }>,
  facts: FinanceFacts,
  local: string,
  today: string,
  o: CurrencyOptions,
): Promise<Step> {
  const date = postingDate(step.record, today);
  if (date === undefined) return step;
  const lines = (step.record.JournalEntryLines as DataRecord[]).map((l) => ({ ...l }));
  const rates = new Map<string, Rate>();
  for (const c of new Set(lines.map((l) => text(l.FCCurrency)).filter((c): c is string => c !== undefined))) {
    if (c === local) continue;
    const r = await rateFor(facts, c, date, o);
    if (!r)
      return {
        ok: false,
        code: RATE_MISSING,
        message: `no ${c} rate for ${date} in SAP B1; add it or set rates.fallback`,
      };
    rates.set(c, r);
  }
  const converted = new Set<number>();
  const kept = new Map<string, number[]>();
  const localLines = new Map<string, number[]>();
  lines.forEach((line, i) => {
    const fc = text(line.FCCurrency);
    if (fc === undefined) return;
    const r = fc === local ? { rate: 1, date } : (rates.get(fc) as Rate);
    const holder = holderOf(facts, line);
    const currency = holder ? facts.holder(holder.kind, holder.code)?.currency : undefined;
    const accepts = fc !== local && r.date === date && (currency === fc || currency === ALL_CURRENCIES);
    if (holder === undefined && fc !== local) return; // unknown account or partner: SAP refuses it with its reason
    if (num(line.Debit) === 0 && num(line.Credit) === 0) {
      if (num(line.FCDebit) !== 0) line.Debit = convert(num(line.FCDebit), r.rate);
      if (num(line.FCCredit) !== 0) line.Credit = convert(num(line.FCCredit), r.rate);
      if (fc !== local) converted.add(i);
    }
    if (!accepts) {
      delete line.FCCurrency;
      delete line.FCDebit;
      delete line.FCCredit;
    }
    const group = accepts ? kept : localLines;
    group.set(fc, [...(group.get(fc) ?? []), i + 1]);
  });
  const notes = [...step.notes];
  for (const [c, r] of rates) {
    const inLocal = localLines.get(c) ?? [];
    const inFc = kept.get(c) ?? [];
    const parts = [
      inLocal.length > 0 &&
        `line${inLocal.length > 1 ? 's' : ''} ${inLocal.join(', ')} posted in ${local}${r.date === date ? ` (${inLocal.map((n) => text(lines[n - 1]!.ShortName) ?? text(lines[n - 1]!.AccountCode)).join(', ')} not in ${c})` : ''}`,
      inFc.length > 0 &&
        `line${inFc.length > 1 ? 's' : ''} ${inFc.join(', ')} kept in ${c} with their ${local} amounts`,
    ].filter(Boolean);
    const at =
      r.date === date
        ? `the SAP B1 rate ${r.rate} of ${date}`
        : `the last earlier SAP B1 rate ${r.rate} of ${r.date} (none on ${date}; rates.fallback: last-earlier)`;
    notes.push(`${c} converted at ${at}: ${parts.join('; ')}`);
  }
  if (localLines.has(local))
    notes.push(
      `lines ${localLines.get(local)!.join(', ')} are in ${local}, the local currency: posted without FC fields`,
    );
  const rounding = balance(lines, converted, local);
  if (rounding) notes.push(rounding);
  return { ok: true, record: { ...step.record, JournalEntryLines: lines }, notes };
}

/** Converts the page's foreign-currency lines; records without any cost no call. */
export async function convertCurrencies(
  steps: Step[],
  facts: FinanceFacts,
  today: string,
  o: CurrencyOptions,
): Promise<Step[]> {
  if (!steps.some((s) => s.ok && foreignLines(s.record).length > 0)) return steps;
  const local = await facts.localCurrency();
  await loadHolders(facts, steps);
  const out: Step[] = [];
  for (const s of steps)
    out.push(s.ok && foreignLines(s.record).length > 0 ? await convertOne(s, facts, local, today, o) : s);
  return out;
}
