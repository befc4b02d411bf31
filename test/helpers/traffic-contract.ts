/**
 * The contract check of an end-to-end test file: every exchange with the emulators is recorded
 * (engine/emulator-kit/recorder.ts), named after the test it happened in, and held against the
 * vendored specs by test/contract/ (which shares no code with the emulators). After each test the
 * exchanges it finished are checked; a mismatch fails that test with one line per problem. What
 * finishes outside a test (set-up, requests still in flight when a test ended) is checked when the
 * file's environment is closed. Mismatches listed in test/contract/open-findings.ts (with their evidence)
 * do not fail; the file's open findings that traffic hit are printed when it closes.
 * `SLUICE_TRAFFIC_DIR=<dir>` also writes each file's traffic there.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import type { SystemExchange } from '../../engine/emulator-kit/recorder.js';
import { checkTraffic, formatMismatches, type TestExchange } from '../contract/check.js';
import { formatOpenFindings, OPEN_FINDINGS, triage, type OpenFinding } from '../contract/open-findings.js';
import type { Mismatch } from '../contract/mismatch.js';

export interface TrafficContract {
  /** The demo environment's `traffic` option. */
  record(exchange: SystemExchange): void;
  /** Tells which system's request ids belong to the test running now (call on each `request` event). */
  arrived(system: string, requestId: number): void;
  /** Throws when an exchange finished since the last check breaks the specs (beyond the open findings). */
  check(): void;
  /** The open findings hit so far, as printed (empty when none). */
  openFindings(): string;
  /** Call in beforeEach / afterEach. */
  testStarted(): void;
  testEnded(): void;
  /** Every exchange recorded so far (for tests of the helper). */
  readonly exchanges: readonly TestExchange[];
}

function currentFile(): string {
  const path = expect.getState().testPath;
  return path ? basename(path) : '(unknown file)';
}

/** `findings`: the open findings that do not fail (test/contract/open-findings.ts; other lists only in tests). */
export function trafficContract(findings: readonly OpenFinding[] = OPEN_FINDINGS): TrafficContract {
  const file = currentFile();
  const dumpDir = process.env.SLUICE_TRAFFIC_DIR;
  if (dumpDir) mkdirSync(dumpDir, { recursive: true });
  let current: string | undefined;
  const testOf = new Map<string, string>();
  const all: TestExchange[] = [];
  let checked = 0;
  const open: { finding: OpenFinding; mismatch: Mismatch }[] = [];
  return {
    exchanges: all,
    arrived: (system, requestId) => {
      testOf.set(`${system}#${requestId}`, current ?? `(set-up of ${file})`);
    },
    record: (exchange) => {
      const id = `${exchange.system}#${exchange.requestId}`;
      const test = testOf.get(id) ?? current ?? `(set-up of ${file})`;
      testOf.delete(id);
      all.push({ ...exchange, test });
      if (dumpDir) appendFileSync(join(dumpDir, `${file}.ndjson`), `${JSON.stringify({ test, ...exchange })}\n`);
    },
    check: () => {
      const fresh = all.slice(checked);
      checked = all.length;
      const { failing, open: hits } = triage(checkTraffic(fresh), findings);
      open.push(...hits);
      if (failing.length > 0) throw new Error(formatMismatches(failing, file));
    },
    openFindings: () => formatOpenFindings(open, file),
    testStarted: () => {
      current = expect.getState().currentTestName ?? '(unnamed test)';
    },
    testEnded: () => {
      current = undefined;
    },
  };
}
