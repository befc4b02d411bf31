/**
 * Fixture files: one JSON file per collection in a directory (default: the shipped demo company,
 * `fixtures/demo/`). `seed` adds programmatic data on top (for example 2,000 list items).
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompanyFixture, FixtureSet } from './state.js';

export type { FixtureSet } from './state.js';

/** Extra data appended to the fixtures (arrays) or a company override. */
export type FixtureSeed = Partial<Omit<FixtureSet, 'company'>> & { company?: Partial<CompanyFixture> };

export const FIXTURE_FILES = {
  company: 'company.json',
  users: 'users.json',
  reports: 'expense-reports.json',
  entries: 'expense-entries.json',
  allocations: 'expense-allocations.json',
  paymentRequests: 'payment-requests.json',
  fisDocuments: 'fis-documents.json',
  lists: 'lists.json',
  listItems: 'list-items.json',
  vendors: 'vendors.json',
} as const satisfies Record<keyof FixtureSet, string>;

export const DEMO_FIXTURES_DIR = fileURLToPath(new URL('./fixtures/demo/', import.meta.url));

function readJson<T>(dir: string, file: string, fallback: T): T {
  const path = join(dir, file);
  if (!existsSync(path)) return fallback;
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function loadFixtures(dir: string = DEMO_FIXTURES_DIR): FixtureSet {
  const company = readJson<CompanyFixture | undefined>(dir, FIXTURE_FILES.company, undefined);
  if (!company) throw new Error(`concur emulator: ${join(dir, FIXTURE_FILES.company)} is missing`);
  return {
    company,
    users: readJson(dir, FIXTURE_FILES.users, []),
    reports: readJson(dir, FIXTURE_FILES.reports, []),
    entries: readJson(dir, FIXTURE_FILES.entries, []),
    allocations: readJson(dir, FIXTURE_FILES.allocations, []),
    paymentRequests: readJson(dir, FIXTURE_FILES.paymentRequests, []),
    fisDocuments: readJson(dir, FIXTURE_FILES.fisDocuments, []),
    lists: readJson(dir, FIXTURE_FILES.lists, []),
    listItems: readJson(dir, FIXTURE_FILES.listItems, []),
    vendors: readJson(dir, FIXTURE_FILES.vendors, []),
  };
}

export function applySeed(base: FixtureSet, seed: FixtureSeed | undefined): FixtureSet {
  if (!seed) return base;
  const out: FixtureSet = { ...base, company: { ...base.company, ...seed.company } };
  for (const key of Object.keys(FIXTURE_FILES) as (keyof FixtureSet)[]) {
    if (key === 'company') continue;
    const extra = seed[key];
    if (extra) (out as unknown as Record<string, unknown[]>)[key] = [...(base[key] as unknown[]), ...extra];
  }
  return out;
}
