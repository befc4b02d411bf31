/**
 * The journal-entries target's own options: what happens to a posting dated in a closed period
 * (`periods`) and how foreign-currency lines find their rate (`rates`).
 */
import type { JsonSchema } from '../../../engine/connector/types.js';

export const PERIOD_POLICIES = ['park', 'next-open-period'] as const;
export type PeriodPolicy = (typeof PERIOD_POLICIES)[number];

export const RATE_FALLBACKS = ['none', 'last-earlier'] as const;
export type RateFallback = (typeof RATE_FALLBACKS)[number];

export const JOURNAL_TARGET_OPTIONS: Record<string, JsonSchema> = {
  periods: {
    title: 'Postings dated in a closed period',
    description:
      'Target only. What happens to an entry whose posting date (ReferenceDate; today when it has none) falls in a posting period that takes no manual journal entries in SAP B1 (locked, in period closing, or outside every defined period; SAP would refuse it with -5002): park sends it to attention with the reason (reason class data); next-open-period posts it on the first day of the next open period and keeps the original date in the Memo, e.g. "Trip to Lyon (dated 2025-01-31)", shortening the Memo to fit its 50 characters. Either way the plan says so, and an entry already posted keeps its posting date.',
    type: 'string',
    enum: [...PERIOD_POLICIES],
    default: 'park',
    examples: ['next-open-period'],
  },
  rates: {
    title: 'Exchange rates',
    description:
      "Target only. Lines in a foreign currency (FCCurrency) are converted at SAP B1's own rate for the posting date (SBOBobService_GetCurrencyRate), read once per currency and date. What happens when SAP has no rate for that day.",
    type: 'object',
    additionalProperties: false,
    properties: {
      fallback: {
        title: 'When SAP B1 has no rate for the posting date',
        description:
          'none parks the entry ("no EUR rate for 2025-02-06 in SAP B1; add it or set rates.fallback"), never guessing a rate; last-earlier takes the last rate SAP B1 has within fallbackDays before the posting date (for companies that keep no rates on weekends and holidays) and posts those lines in local currency only, since SAP refuses a foreign-currency line on a day without a rate. The plan names the rate and its date.',
        type: 'string',
        enum: [...RATE_FALLBACKS],
        default: 'none',
        examples: ['last-earlier'],
      },
      fallbackDays: {
        title: 'How far back last-earlier looks',
        description:
          'Days before the posting date searched for a rate by fallback: last-earlier (one call per day tried, cached).',
        type: 'integer',
        minimum: 1,
        maximum: 31,
        default: 7,
        examples: [4],
      },
    },
  },
};
