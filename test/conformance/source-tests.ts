/** Conformance tests of the source and lookup roles: open, read all pages, page size, incremental, close. */
import { expect } from 'vitest';
import { openSource } from '../../engine/connector/dispatch.js';
import type { Connection, ConnectorDefinition, DataRecord, ReadRequest } from '../../engine/connector/types.js';
import { lookupFixtures, offersRole } from './definition-tests.js';
import { asList, conformanceIt, type SuiteState } from './state.js';
import type { ConformanceFixture, SourceFixture } from './subject.js';

export async function readPages(
  def: ConnectorDefinition<never>,
  connection: Connection,
  fixture: SourceFixture,
  request: ReadRequest = {},
): Promise<DataRecord[][]> {
  const resource = openSource(def, connection, fixture.resource, fixture.options);
  const pages: DataRecord[][] = [];
  for await (const page of resource.read(request)) {
    expect(Array.isArray(page), 'every page is an array').toBe(true);
    pages.push(page);
  }
  return pages;
}

export function keysOf(records: DataRecord[], keyField: string): string[] {
  return records.map((r) => {
    const v = r[keyField];
    expect(v === undefined || v === null, `record without key field "${keyField}": ${JSON.stringify(r)}`).toBe(false);
    return String(v);
  });
}

function keyFieldOf(def: ConnectorDefinition<never>, fixture: SourceFixture): string {
  return fixture.keyField ?? def.resources[fixture.resource]!.key;
}

function expectSameKeys(actual: string[], expected: string[], what: string): void {
  expect(new Set(actual).size, `${what}: no key is read twice`).toBe(actual.length);
  expect([...actual].sort(), what).toEqual([...expected].sort());
}

function expectApiCalls(connection: Connection): number {
  const { apiCalls, calls } = connection.stats();
  expect(
    Number.isInteger(apiCalls) && apiCalls >= 0,
    `stats().apiCalls is a non-negative integer (got ${apiCalls})`,
  ).toBe(true);
  for (const [op, n] of Object.entries(calls ?? {}))
    expect(Number.isInteger(n) && n >= 0, `stats().calls["${op}"]`).toBe(true);
  return apiCalls;
}

export function registerSourceTests<Config, F extends ConformanceFixture<Config>>(state: SuiteState<Config, F>): void {
  const def = state.subject.definition as ConnectorDefinition<never>;
  if (offersRole(def, 'source')) {
    conformanceIt(
      state,
      'source: open, read every record in several pages of at most pageSize, close twice',
      async () => {
        for (const fixture of asList(state.fixture().source)) {
          const pageSize = fixture.pageSize ?? 2;
          expect(fixture.expectedKeys.length, 'source fixture needs at least 3 expected keys').toBeGreaterThanOrEqual(
            3,
          );
          expect(pageSize, 'pageSize must be smaller than the number of expected keys').toBeLessThan(
            fixture.expectedKeys.length,
          );
          const connection = await state.open();
          try {
            const before = expectApiCalls(connection);
            const pages = await readPages(def, connection, fixture, { pageSize });
            const nonEmpty = pages.filter((p) => p.length > 0);
            expect(nonEmpty.length, `several pages at pageSize ${pageSize}`).toBeGreaterThanOrEqual(2);
            for (const page of pages)
              expect(page.length, 'no page is larger than pageSize').toBeLessThanOrEqual(pageSize);
            expectSameKeys(
              keysOf(pages.flat(), keyFieldOf(def, fixture)),
              fixture.expectedKeys,
              `keys of ${fixture.resource}`,
            );
            expect(expectApiCalls(connection), 'stats().apiCalls grows when a read is made').toBeGreaterThan(before);
            const again = await readPages(def, connection, fixture, {});
            expectSameKeys(
              keysOf(again.flat(), keyFieldOf(def, fixture)),
              fixture.expectedKeys,
              `second read of ${fixture.resource}`,
            );
          } finally {
            await connection.close();
          }
          await connection.close();
        }
      },
    );
  }

  if (Object.values(def.resources).some((r) => r.capabilities.incremental === true)) {
    conformanceIt(
      state,
      'source: an incremental read from `since` yields exactly the records at or after it',
      async () => {
        const fixtures = asList(state.fixture().source).filter(
          (f) => def.resources[f.resource]?.capabilities.incremental === true,
        );
        expect(fixtures.length, 'a source fixture on an incremental resource').toBeGreaterThan(0);
        const connection = await state.open();
        try {
          for (const fixture of fixtures) {
            expect(
              fixture.incremental,
              `source fixture on incremental resource "${fixture.resource}" needs \`incremental\``,
            ).toBeDefined();
            const { cursorField, since, expectedKeys } = fixture.incremental!;
            expect(expectedKeys.length, 'incremental.expectedKeys is a strict subset of expectedKeys').toBeLessThan(
              fixture.expectedKeys.length,
            );
            const pages = await readPages(def, connection, fixture, {
              since,
              cursorField,
              pageSize: fixture.pageSize ?? 2,
            });
            expectSameKeys(
              keysOf(pages.flat(), keyFieldOf(def, fixture)),
              expectedKeys,
              `incremental keys of ${fixture.resource}`,
            );
          }
        } finally {
          await connection.close();
        }
      },
    );
  }

  if (offersRole(def, 'lookup')) {
    conformanceIt(state, 'lookup: a lookup resource reads all its records without a page size', async () => {
      const fixtures = lookupFixtures(def, state.fixture());
      expect(fixtures.length, 'a lookup fixture').toBeGreaterThan(0);
      const connection = await state.open();
      try {
        for (const fixture of fixtures) {
          const pages = await readPages(def, connection, fixture);
          expectSameKeys(
            keysOf(pages.flat(), keyFieldOf(def, fixture)),
            fixture.expectedKeys,
            `lookup keys of ${fixture.resource}`,
          );
        }
      } finally {
        await connection.close();
      }
    });
  }
}
