import { describe, expect, it } from 'vitest';
import type { ConfirmOutcome } from '../../../engine/connector/types.js';
import { fiscalYearOf, postingDateOf, postingDoc, type PostingDocSettings } from './fis-posting.js';

const SETTINGS: PostingDocSettings = {
  companyId: 'SBO_NORTHWIND',
  dateField: 'ReferenceDate',
  fiscalYearStartMonth: 1,
  fiscalYearNumbering: 'start-year',
};

const outcome = (targetRecord?: Record<string, unknown>, targetId = '41'): ConfirmOutcome => ({
  sourceKey: 'doc1',
  record: {},
  status: 'success',
  targetId,
  ...(targetRecord && { targetRecord }),
});

describe('FIS posting documents', () => {
  it('reads the posting date from ISO dates, date-times and SAP yyyyMMdd, and refuses what is not a date', () => {
    expect(postingDateOf('2025-02-06')).toBe('2025-02-06');
    expect(postingDateOf('2025-02-06T00:00:00Z')).toBe('2025-02-06');
    expect(postingDateOf('20241231')).toBe('2024-12-31');
    expect(postingDateOf('2025-02-30')).toBeUndefined();
    expect(postingDateOf('06/02/2025')).toBeUndefined();
    expect(postingDateOf(20250206)).toBeUndefined();
    expect(postingDateOf(undefined)).toBeUndefined();
  });

  it('derives the fiscal year from the date: the calendar year by default, else from the start month and numbering', () => {
    expect(fiscalYearOf('2025-01-01')).toBe(2025);
    expect(fiscalYearOf('2024-12-31')).toBe(2024);
    expect(fiscalYearOf('2025-06-30', 7, 'start-year')).toBe(2024);
    expect(fiscalYearOf('2025-07-01', 7, 'start-year')).toBe(2025);
    expect(fiscalYearOf('2025-06-30', 7, 'end-year')).toBe(2025);
    expect(fiscalYearOf('2025-07-01', 7, 'end-year')).toBe(2026);
  });

  it("carries the held record's date, its fiscal year and the target id, never the day of the confirmation", () => {
    expect(postingDoc(outcome({ ReferenceDate: '2024-12-30', JdtNum: 41 }), SETTINGS, '2026-01-15')).toEqual({
      doc: {
        companyId: 'SBO_NORTHWIND',
        documentNumber: '41',
        fiscalYear: '2024',
        postingDate: '2024-12-30',
        paymentRelevantLineItems: [],
      },
    });
    const april = { ...SETTINGS, fiscalYearStartMonth: 4, dateField: 'DocDate' };
    expect(postingDoc(outcome({ DocDate: '20250215' }), april, '2026-01-15').doc).toMatchObject({
      postingDate: '2025-02-15',
      fiscalYear: '2024',
    });
  });

  it('falls back to the confirmation day only when the held record has no date, and says so', () => {
    const r = postingDoc(outcome({ Memo: 'no date' }, ''), SETTINGS, '2026-01-15');
    expect(r.doc).toEqual({
      companyId: 'SBO_NORTHWIND',
      fiscalYear: '2026',
      postingDate: '2026-01-15',
      paymentRelevantLineItems: [],
    });
    expect(r.dateMissing).toEqual({ field: 'ReferenceDate', value: undefined });
    expect(postingDoc(outcome(undefined), SETTINGS, '2026-01-15').dateMissing).toBeDefined();
  });
});
