/**
 * The finance page in a real headless Chromium (Debian's, driven by playwright-core): a viewer sees
 * the attention entries but cannot re-sync (the server refuses a direct POST), an operator fixes
 * nothing but the mapping and re-syncs one record, then the rest in bulk, and opens a document's
 * log; a plan's author is refused as its approver and a second approver approves and applies it.
 * Screenshots of each page go to test-results/screenshots/ (gitignored) for review.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFinancePage, type FinancePage } from '../../app/serve/server.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { packageRoot } from '../../engine/runtime/paths.js';
import { openStateStore, type StateStore } from '../../engine/state/store.js';
import { CHROMIUM_ARGS } from '../helpers/chromium.js';
import { financeFixture, PASSWORD, PLANTED_SECRET, USERS, type FinanceFixture } from '../helpers/finance-fixture.js';
import { datasets } from '../helpers/memory-connector.js';
import { memoryRegistry } from '../helpers/pipeline-fixture.js';
import { tempDir } from '../helpers/tmp.js';

const SHOTS = join(packageRoot(), 'test-results', 'screenshots');
const dir = tempDir('sluice-browser-');
let state: StateStore;
let fx: FinanceFixture;
let page: FinancePage;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  state = await openStateStore({ url: `sqlite:${dir}/state.db`, secretKey: 'k'.repeat(64) });
  fx = await financeFixture(state, dir);
  page = await startFinancePage({
    state,
    registry: memoryRegistry,
    logger: silentLogger(),
    port: 0,
    pipelinesDir: dir,
    env: fx.env,
  });
  browser = await chromium.launch({ executablePath: inject('chromiumPath'), args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await page?.close();
  await state?.close();
});

async function loggedIn(user: string, path = '/'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const p = await context.newPage();
  await p.goto(`${page.url}${path}`);
  expect(new URL(p.url()).pathname).toBe('/login');
  await p.fill('input[name="username"]', user);
  await p.fill('input[name="password"]', PASSWORD);
  await Promise.all([p.waitForURL((u) => u.pathname === path), p.click('button[type="submit"]')]);
  return p;
}

const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const rowKeys = (p: Page) =>
  p.locator('#attention tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));

describe('the finance page in Chromium', () => {
  it('a viewer sees the attention entries, has no re-sync button, and a direct POST is refused', async () => {
    const p = await loggedIn(USERS.viewer, '/attention');
    expect(await rowKeys(p)).toEqual(expect.arrayContaining(['EXP-2', 'EXP-3', 'EXP-4']));
    await expect(p.locator('text=no G/L account for expense type HOTEL').first()).toBeDefined();
    expect(await p.locator('button', { hasText: 'Re-sync selected' }).count()).toBe(0);
    const token = await p.locator('input[name="_csrf"]').first().getAttribute('value');
    const [entry] = await state.attentionList({ pipeline: 'expenses-to-ledger', statuses: ['open'] });
    const res = await p.request.post(`${page.url}/attention/resync`, {
      form: { _csrf: token!, id: String(entry!.id) },
      headers: { origin: page.url },
    });
    expect(res.status()).toBe(403);
    expect(await state.attentionList({ pipeline: 'expenses-to-ledger', statuses: ['resync'] })).toEqual([]);
    await p.context().close();
  }, 120_000);

  it('an operator fixes the mapping, re-syncs one record and watches it leave the list, then re-syncs the rest in bulk', async () => {
    const p = await loggedIn(USERS.operator, '/attention');
    expect(await p.textContent('body')).toContain('The setup is missing something');
    await shot(p, 'attention');
    fx.fixMapping({ HOTEL: '6300' });
    await p.check('input[name="id"][aria-label="select EXP-2"]');
    await Promise.all([p.waitForURL('**/attention'), p.click('button:has-text("Re-sync selected")')]);
    expect(await p.textContent('.flash')).toContain('1 done, 0 still need attention');
    const left = await rowKeys(p);
    expect(left).not.toContain('EXP-2');
    expect(left).toEqual(expect.arrayContaining(['EXP-3', 'EXP-4']));
    fx.fixMapping();
    await p.check('input[data-select-all="id"]');
    await Promise.all([p.waitForURL('**/attention'), p.click('button:has-text("Re-sync selected")')]);
    expect(await p.textContent('.flash')).toContain('2 done, 0 still need attention');
    expect(await p.textContent('main')).toContain('Nothing needs attention');
    expect([...fx.expenses.dst.target.keys()].sort()).toEqual(['EXP-1', 'EXP-2', 'EXP-3', 'EXP-4', 'EXP-5']);
    await p.context().close();
  }, 120_000);

  it('a document shows its integration log across runs with the target id and payload hash', async () => {
    const p = await loggedIn(USERS.operator, '/');
    await shot(p, 'dashboard');
    expect(await p.textContent('#postings')).toBe('5');
    await p.goto(`${page.url}/runs`);
    await shot(p, 'runs');
    await p.goto(`${page.url}/document?pipeline=expenses-to-ledger&key=EXP-2`);
    expect(await p.locator('#log .outcome').allTextContents()).toEqual(['written', 'parked']);
    expect(await p.textContent('#target-id')).toBe(fx.expenses.dst.target.get('EXP-2')!.id);
    expect(await p.textContent('#log')).toContain('resync');
    await shot(p, 'document');
    await p.click('#log a[href^="/runs/"]');
    expect(await p.textContent('main')).toContain('Changed records');
    await shot(p, 'run');
    await p.context().close();
  }, 120_000);

  it("refuses a plan's author as its approver; a second approver approves it and applies it", async () => {
    const author = await loggedIn(USERS.approver, `/plans/${fx.planId}`);
    expect(await author.textContent('#plan-ops')).toContain('DE00 2222');
    await shot(author, 'plan');
    const [refused] = await Promise.all([
      author.waitForResponse((r) => r.url().endsWith('/decide')),
      author.click('button[value="approve"]'),
    ]);
    expect(refused.status()).toBe(403);
    expect(await author.textContent('#refused')).toContain('PLAN_APPROVER_IS_AUTHOR');
    await author.context().close();

    const bob = await loggedIn(USERS.approver2, '/plans');
    await shot(bob, 'plans');
    await bob.click(`a[href="/plans/${fx.planId}"]`);
    await bob.fill('textarea[name="comment"]', 'IBAN change confirmed with Acme by phone');
    await Promise.all([bob.waitForURL(`**/plans/${fx.planId}`), bob.click('button[value="approve"]')]);
    expect(await bob.textContent('#plan-status')).toBe('approved');
    bob.once('dialog', (d) => void d.accept());
    await Promise.all([
      bob.waitForURL(`**/plans/${fx.planId}`),
      bob.click('button:has-text("Apply the approved plan")'),
    ]);
    expect(await bob.textContent('.flash')).toMatch(/applied: run .* succeeded/);
    expect(await bob.textContent('#plan-status')).toBe('applied');
    const vdst = datasets.get(`${dir}:vdst`)!;
    expect(vdst.target.get('V-1')?.record.iban).toBe('DE00 2222');
    expect(vdst.target.has('V-2')).toBe(true);
    await bob.goto(`${page.url}/audit`);
    const audit = await bob.textContent('#audit');
    expect(audit).toContain('plan-approve');
    expect(audit).toContain('resync-request');
    expect(audit).not.toContain(PLANTED_SECRET);
    await shot(bob, 'audit');
    await bob.context().close();
  }, 120_000);
});
