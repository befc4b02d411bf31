/** State shared by the registered conformance tests, and small helpers for registering them. */
import { it } from 'vitest';
import type { Connection, ConnectorContext } from '../../engine/connector/types.js';
import type { ConformanceFixture, ConformanceSubject } from './subject.js';

/** What the registered tests share: the fixture (set in beforeAll) and a way to open connections. */
export interface SuiteState<Config, F extends ConformanceFixture<Config>> {
  subject: ConformanceSubject<Config, F>;
  fixture(): F;
  /** A context for a new connection, with the fixture's overrides. */
  context(overrides?: Partial<ConnectorContext>): ConnectorContext;
  open(config?: Config): Promise<Connection>;
}

export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Registers one test with the subject's timeout. */
export function conformanceIt(state: { subject: { timeoutMs?: number } }, name: string, fn: () => Promise<void>): void {
  it(name, fn, state.subject.timeoutMs);
}
