/** The attention list says, per entry, what happens next: a target refusal names when it is sent again. */
import { describe, expect, it } from 'vitest';
import type { AttentionEntry } from '../../engine/state/attention.js';
import { formatAttentionList } from './format-attention.js';

const base: AttentionEntry = {
  id: 7,
  pipeline: 'payments',
  sourceKey: 'R-1',
  stage: 'apply',
  code: 'SAP_B1_AMOUNT_ABOVE_OPEN',
  message: 'the amount is above the open amount of invoice 4711',
  reasonClass: 'data',
  status: 'open',
  runId: 'r2',
  firstRunId: 'r1',
  firstSeen: '2026-01-15T12:00:00.000Z',
  lastSeen: '2026-01-15T12:00:00.000Z',
  occurrences: 1,
  retryAfter: null,
  resolution: null,
};

describe('formatAttentionList', () => {
  it('tells when a refused record is sent again, and that a change sends it at once', () => {
    const text = formatAttentionList([{ ...base, sourceFp: 'fp', retryAfter: '2026-01-15T12:05:00.000Z' }]);
    expect(text).toContain('refused by the target: sent again at once when its source record');
    expect(text).toContain('after 2026-01-15T12:05:00.000Z');
    expect(text).toContain('sluice resync payments --key R-1');
  });

  it('keeps the transient and the waiting wording', () => {
    const transient = { ...base, reasonClass: 'transient' as const, retryAfter: '2026-01-15T12:05:00.000Z' };
    expect(formatAttentionList([transient])).toContain('transient: the next run after 2026-01-15T12:05:00.000Z');
    expect(formatAttentionList([base])).toContain('waits for a fix, then: sluice resync <pipeline> --key R-1');
  });
});
