/**
 * End to end: pipelines/ar-payments-to-sap-b1.yaml through the CLI when SAP Business One commits a
 * payment and the answer is lost (the emulator's drop-after-commit fault). The payment is in doubt,
 * never failed; it is settled by looking Reference2 up, and never posted twice.
 */
import { describe, expect, it } from 'vitest';
import { demoEnvironment, runPipeline } from '../../helpers/demo-env.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

describe('ar-payments-to-sap-b1 with a lost answer', async () => {
  const env = await demoEnvironment();
  // one payment per request, so the lost answer is one payment's (this file's own environment)
  const conns = parse(readFileSync(env.connectionsPath, 'utf8')) as {
    connections: Record<string, Record<string, unknown>>;
  };
  conns.connections.b1 = { ...conns.connections.b1, batch: false };
  writeFileSync(env.connectionsPath, stringify(conns));

  it('a payment whose answer was lost is found by Reference2 and never posted twice', async () => {
    const posts = (): number =>
      Object.entries(env.b1.counters.requests)
        .filter(([k]) => k.startsWith('POST IncomingPayments') || k.startsWith('POST $batch'))
        .reduce((n, [, c]) => n + c, 0);
    const fault = env.b1.faults.add({ method: 'POST', path: 'IncomingPayments', kind: 'drop-after-commit', times: 1 });
    const first = await runPipeline(env, 'ar-payments-to-sap-b1');
    expect(fault.hits).toBe(1);
    // the payment whose answer was lost is not failed: found by its Reference2 at once, not re-sent
    expect(first.report.apply).toMatchObject({ failed: 3, created: 5 });
    expect(first.report.attention.sample.map((a) => a.sourceKey).sort()).toEqual(['PAY-1003', 'PAY-1004', 'PAY-1008']);
    const sent = posts();
    const second = await runPipeline(env, 'ar-payments-to-sap-b1', ['--full']);
    const refs = [...env.b1.state.IncomingPayments.values()].map((p) => p.Reference2 as string);
    expect(refs.sort()).toEqual(['PAY-1001', 'PAY-1002', 'PAY-1005', 'PAY-1006', 'PAY-1007']);
    expect(new Set(refs).size).toBe(refs.length);
    // the next run posts nothing new; what it sent at most were the refused ones, tried again
    expect(posts() - sent).toBeLessThanOrEqual(3);
    expect(second.report.apply?.created ?? 0).toBe(0);
  });
});
