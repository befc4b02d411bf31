/**
 * End to end: pipelines/ar-deductions-to-sap-b1.yaml through the CLI under the journal entries' fault
 * cases (test/helpers/ar-fault-suite.ts), on the demo data and 30 more approved deductions (every
 * fourth one the whole invoice) and one against a closed invoice: each credit note exists once in
 * SAP B1 with its amount, an invoice is closed exactly when covered, and no credit note was sent
 * again blind (checked on the requests SAP received).
 */
import type { DemoEnvironment } from '../../../app/demo/environment.js';
import { faultSuite } from '../../helpers/ar-fault-suite.js';
import { demoEnvironment } from '../../helpers/demo-env.js';
import { cents } from '../../helpers/journal-entries.js';

/** The extra deduction against the closed invoice 14: SAP refuses it. */
const REFUSED = ['DED-4199'];

faultSuite({
  environment: (options) => demoEnvironment(options),
  pipeline: 'ar-deductions-to-sap-b1',
  entitySet: 'CreditNotes',
  refField: 'NumAtCard',
  refused: REFUSED,
  expected: (env: DemoEnvironment) =>
    new Map(
      [...env.ar.store.collections.deductions.values()]
        .filter((d) => d.status === 'approved' && !REFUSED.includes(d.id))
        .map((d) => [d.id, cents(d.amount)]),
    ),
});
