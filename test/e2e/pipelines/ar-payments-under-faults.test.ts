/**
 * End to end: pipelines/ar-payments-to-sap-b1.yaml through the CLI under the journal entries' fault
 * cases (test/helpers/ar-fault-suite.ts), on the demo data and 30 more payments (every third one
 * partial): each incoming payment exists once in SAP B1 with its amount, an invoice is closed exactly
 * when paid in full, and no payment was sent again blind (checked on the requests SAP received).
 */
import type { DemoEnvironment } from '../../../app/demo/environment.js';
import { faultSuite } from '../../helpers/ar-fault-suite.js';
import { demoEnvironment } from '../../helpers/demo-env.js';
import { cents } from '../../helpers/journal-entries.js';

/** Matched payments SAP accepts (the demo's PAY-1003, PAY-1004 and PAY-1008 it refuses). */
const REFUSED = ['PAY-1003', 'PAY-1004', 'PAY-1008'];

faultSuite({
  environment: (options) => demoEnvironment(options),
  pipeline: 'ar-payments-to-sap-b1',
  entitySet: 'IncomingPayments',
  refField: 'Reference2',
  refused: REFUSED,
  expected: (env: DemoEnvironment) =>
    new Map(
      [...env.ar.store.collections.payments.values()]
        .filter((p) => p.status === 'matched' && !REFUSED.includes(p.id))
        .map((p) => [p.id, cents(p.amount)]),
    ),
});
