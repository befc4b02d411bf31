import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConcurEmulator, type ConcurEmulator } from '../emulator/index.js';
import { openAgainst, readAll } from '../test-support.js';

let emu: ConcurEmulator;
beforeAll(async () => {
  emu = await startConcurEmulator();
});
afterAll(async () => {
  await emu.close();
});

describe('concur expense-reports', () => {
  it('reads approved reports across several pages, each with entries and allocations, fields flattened', async () => {
    const connection = await openAgainst(emu);
    const pages = await readAll(connection, 'expense-reports', { approvalStatus: 'A_APPR', pageSize: 10 });
    expect(pages.length).toBe(3);
    const reports = pages.flat();
    expect(reports).toHaveLength(28);
    expect(new Set(reports.map((r) => r.ID)).size).toBe(28);
    expect(emu.find({ path: '/api/v3.0/expense/reports' }).filter((r) => r.query.includes('offset='))).toHaveLength(2);
    const split = reports.find((r) =>
      (r.Entries as { AllocationType: string }[]).some((e) => e.AllocationType === 'P'),
    )!;
    expect(split).toMatchObject({
      ApprovalStatusCode: 'A_APPR',
      OrgUnit2Code: expect.stringMatching(/^CC\d{3}$/),
      OrgUnit2Value: expect.any(String),
    });
    expect(split).not.toHaveProperty('OrgUnit2');
    expect(split).not.toHaveProperty('OrgUnit3');
    expect(split.LastModifiedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    const entry = (split.Entries as Record<string, unknown>[]).find((e) => e.AllocationType === 'P')!;
    const allocations = entry.Allocations as Record<string, unknown>[];
    expect(allocations.map((a) => a.Percentage)).toEqual(['60.00000000', '40.00000000']);
    expect(allocations[0]).toMatchObject({
      Custom1Code: expect.stringMatching(/^CC/),
      AccountCode1: expect.any(String),
    });
    expect(connection.stats().calls).toMatchObject({
      'GET expense reports': 3,
      'GET expense entries': 28,
      'GET expense allocations': 28,
    });
  });

  it('reads incrementally from `since` with modifiedDateAfter in the v3 format', async () => {
    const connection = await openAgainst(emu);
    const since = '2025-03-10T00:00:00.000Z';
    const pages = await readAll(
      connection,
      'expense-reports',
      { includeEntries: false },
      { since, cursorField: 'LastModifiedDate' },
    );
    const expected = [...emu.state.reports.values()]
      .filter((r) => String(r.LastModifiedDate) >= '2025-03-10T00:00:00')
      .map((r) => r.ID);
    expect(
      pages
        .flat()
        .map((r) => r.ID)
        .sort(),
    ).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(0);
    expect(emu.find({ path: '/api/v3.0/expense/reports' }).at(-1)?.query).toContain(
      'modifiedDateAfter=2025-03-10T00%3A00%3A00.000',
    );
    expect(pages.flat().every((r) => r.Entries === undefined)).toBe(true);
  });
});
