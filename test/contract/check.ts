/**
 * The contract check of recorded traffic (engine/emulator-kit/recorder.ts) against the vendored specs
 * (test/fixtures/specs/): Concur operations from the Swagger / OpenAPI files, SAP Business One from
 * the $metadata. It shares no code with the emulators, so a misunderstanding the connector and the
 * emulator share shows up here. See test/contract/README.md.
 */
import { checkConcurExchange } from './concur/check.js';
import type { Mismatch, TestExchange } from './mismatch.js';
import { checkSapB1Exchange } from './sap-b1/check.js';

export type { Mismatch, TestExchange } from './mismatch.js';

export function checkTraffic(exchanges: readonly TestExchange[]): Mismatch[] {
  return exchanges.flatMap((x) => {
    if (x.system === 'concur') return checkConcurExchange(x);
    if (x.system === 'sap-b1') return checkSapB1Exchange(x);
    return [
      {
        test: x.test,
        system: x.system,
        request: `${x.request.method} ${x.request.url}`,
        side: 'operation',
        message: `no spec is known for system ${x.system}`,
      },
    ];
  });
}

const MAX_LISTED = 40;

function short(request: string): string {
  return request.length > 160 ? `${request.slice(0, 157)}...` : request;
}

/** One block per test, one line per distinct mismatch (repeats counted), capped at MAX_LISTED lines. */
export function formatMismatches(mismatches: readonly Mismatch[], file: string): string {
  const lines: string[] = [`${mismatches.length} contract mismatch(es) in ${file} (see test/contract/README.md):`];
  const byTest = new Map<string, Map<string, { m: Mismatch; count: number }>>();
  for (const m of mismatches) {
    const group = byTest.get(m.test) ?? new Map<string, { m: Mismatch; count: number }>();
    byTest.set(m.test, group);
    const key = `${m.system}|${m.side}|${m.message}|${m.spec ?? ''}`;
    const seen = group.get(key);
    if (seen) seen.count += 1;
    else group.set(key, { m, count: 1 });
  }
  let listed = 0;
  for (const [test, group] of byTest) {
    lines.push(`  test: ${test}`);
    for (const { m, count } of group.values()) {
      if (listed++ >= MAX_LISTED) break;
      lines.push(`    ${m.system} ${m.side} ${short(m.request)}${count > 1 ? ` (and ${count - 1} more like it)` : ''}`);
      lines.push(`      ${m.message}`);
      if (m.spec) lines.push(`      spec: ${m.spec}`);
    }
  }
  if (listed > MAX_LISTED) lines.push(`  ... ${listed - MAX_LISTED} more distinct mismatch(es)`);
  return lines.join('\n');
}
