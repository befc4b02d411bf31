/** Conformance tests of the target role: batched creates, lookup, update, per-record rejection, list, deletes. */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { openTarget } from '../../engine/connector/dispatch.js';
import type {
  Connection,
  ConnectorDefinition,
  DataRecord,
  FieldChange,
  ResourceDefinition,
  TargetResource,
  WriteOp,
  WriteOutcome,
} from '../../engine/connector/types.js';
import { SluiceError } from '../../engine/errors.js';
import { offersRole } from './definition-tests.js';
import { asList, conformanceIt, type SuiteState } from './state.js';
import type { ConformanceFixture, TargetFixture } from './subject.js';

interface Written {
  record: DataRecord;
  id: string;
}

function resourceOf(def: ConnectorDefinition<never>, f: TargetFixture): ResourceDefinition {
  const r = def.resources[f.resource];
  expect(r, `target resource "${f.resource}" exists`).toBeDefined();
  return r!;
}

function keyOf(record: DataRecord, keyField: string): string {
  const v = record[keyField];
  expect(v === undefined || v === null, `record has key field "${keyField}": ${JSON.stringify(record)}`).toBe(false);
  return String(v);
}

function changesBetween(before: DataRecord, after: DataRecord): FieldChange[] {
  return Object.keys(after)
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((path) => ({ path, before: before[path], after: after[path] }));
}

function byKey(outcomes: WriteOutcome[], ops: WriteOp[]): Map<string, WriteOutcome> {
  expect(outcomes.length, 'one outcome per op').toBe(ops.length);
  const map = new Map(outcomes.map((o) => [o.key, o]));
  expect([...map.keys()].sort(), 'outcomes are matched to ops by key').toEqual(ops.map((o) => o.key).sort());
  return map;
}

function expectOk(outcome: WriteOutcome | undefined, what: string): string {
  expect(outcome?.error?.message, `${what}: no error`).toBeUndefined();
  expect(outcome?.ok, `${what}: ok`).toBe(true);
  expect(
    typeof outcome?.id === 'string' && outcome.id !== '',
    `${what}: has a non-empty id (got ${String(outcome?.id)})`,
  ).toBe(true);
  return outcome!.id!;
}

export function registerTargetTests<Config, F extends ConformanceFixture<Config>>(state: SuiteState<Config, F>): void {
  const def = state.subject.definition as ConnectorDefinition<never>;
  if (!offersRole(def, 'target')) return;
  const targetResources = Object.values(def.resources).filter((r) => r.roles.includes('target'));

  describe('target', () => {
    let connection: Connection | undefined;
    const written = new Map<TargetFixture, Map<string, Written>>();
    const fixtures = (): TargetFixture[] => {
      const list = asList(state.fixture().target);
      expect(list.length, 'a target fixture').toBeGreaterThan(0);
      return list;
    };
    const keyField = (f: TargetFixture): string => f.keyField ?? resourceOf(def, f).key;
    const open = (f: TargetFixture, mode = f.mode): TargetResource => {
      expect(connection, 'an open connection').toBeDefined();
      const modes = resourceOf(def, f).capabilities.modes ?? ['create', 'upsert', 'mirror'];
      return openTarget(def, connection!, f.resource, f.options ?? {}, {
        keyField: keyField(f),
        mode: mode ?? (modes.includes('upsert') ? 'upsert' : modes[0]!),
      });
    };
    const comparable = (f: TargetFixture, r: DataRecord): DataRecord => (f.comparable ? f.comparable(r) : r);
    const writtenOf = (f: TargetFixture): Map<string, Written> => {
      const w = written.get(f);
      expect(w, 'the create test ran first and succeeded').toBeDefined();
      return w!;
    };

    beforeAll(async () => {
      connection = await state.open();
    });
    afterAll(async () => {
      await connection?.close();
    });

    conformanceIt(state, 'target: declares how long a write it was sent may still commit', () => {
      for (const f of fixtures()) {
        const window = open(f).commitWindowMs;
        expect(Number.isFinite(window) && window >= 0, `commitWindowMs ${window} is a finite number ≥ 0`).toBe(true);
      }
      return Promise.resolve();
    });

    conformanceIt(
      state,
      'target: creates more than bulkSize records in calls of at most bulkSize, one ok outcome with an id per op',
      async () => {
        for (const f of fixtures()) {
          const bulkSize = resourceOf(def, f).capabilities.bulkSize ?? 1;
          const n = Math.max(bulkSize + 1, 3);
          const records = Array.from({ length: n }, (_, i) => f.newRecord(i));
          const keys = records.map((r) => keyOf(r, keyField(f)));
          expect(new Set(keys).size, 'newRecord(i) gives distinct keys').toBe(n);
          const target = open(f);
          expect((await target.lookup(keys)).size, 'the new keys are absent before the test writes them').toBe(0);
          const callsBefore = connection!.stats().apiCalls;
          const done = new Map<string, Written>();
          for (let i = 0; i < n; i += bulkSize) {
            const ops: WriteOp[] = records
              .slice(i, i + bulkSize)
              .map((record) => ({ op: 'create', key: keyOf(record, keyField(f)), record }));
            const outcomes = byKey(await target.write(ops), ops);
            for (const op of ops)
              done.set(op.key, {
                record: (op as { record: DataRecord }).record,
                id: expectOk(outcomes.get(op.key), `create ${op.key}`),
              });
          }
          const calls = connection!.stats().apiCalls - callsBefore;
          if (bulkSize > 1) expect(calls, `${n} creates must not cost one remote call per record`).toBeLessThan(n);
          written.set(f, done);
        }
      },
    );

    conformanceIt(
      state,
      'target: lookup finds exactly the written records with their ids and comparable fields',
      async () => {
        for (const f of fixtures()) {
          const w = writtenOf(f);
          const target = open(f);
          expect((await target.lookup([])).size, 'lookup([]) is empty').toBe(0);
          const missing = ['conformance-missing-1', 'conformance-missing-2'];
          const found = await target.lookup([...w.keys(), ...missing]);
          expect([...found.keys()].sort()).toEqual([...w.keys()].sort());
          for (const [key, { record, id }] of w) {
            const t = found.get(key)!;
            expect(t.key, 'TargetRecord.key').toBe(key);
            expect(t.id, `id of ${key} matches the create outcome`).toBe(id);
            expect(t.record, `record of ${key}`).toMatchObject(comparable(f, record));
            expect(t.active, `${key} is active`).not.toBe(false);
          }
        }
      },
    );

    conformanceIt(state, 'target: an update is visible through lookup and leaves other records alone', async () => {
      for (const f of fixtures()) {
        const w = writtenOf(f);
        const [key, entry] = [...w.entries()][0]!;
        const [otherKey, other] = [...w.entries()][1]!;
        const target = open(f);
        const before = (await target.lookup([key])).get(key)!;
        const after = f.changeRecord(entry.record);
        expect(keyOf(after, keyField(f)), 'changeRecord keeps the key').toBe(key);
        const op: WriteOp = {
          op: 'update',
          key,
          id: entry.id,
          record: after,
          before: before.record,
          changes: changesBetween(before.record, after),
        };
        expect(op.changes.length, 'changeRecord changes a field').toBeGreaterThan(0);
        expectOk(byKey(await target.write([op]), [op]).get(key), `update ${key}`);
        const found = await target.lookup([key, otherKey]);
        expect(found.get(key)?.record, 'updated record').toMatchObject(comparable(f, after));
        expect(found.get(otherKey)?.record, 'other record unchanged').toMatchObject(comparable(f, other.record));
        w.set(key, { record: after, id: entry.id });
      }
    });

    conformanceIt(
      state,
      'target: a rejected record fails alone (non-retryable), the others in the same call succeed',
      async () => {
        for (const f of fixtures()) {
          expect(f.rejectedRecord, 'target fixture needs rejectedRecord()').toBeTypeOf('function');
          const w = writtenOf(f);
          const target = open(f);
          const base = w.size + 10;
          const good = [f.newRecord(base), f.newRecord(base + 1)];
          const rejected = f.rejectedRecord!();
          const rejectedKey = String(rejected[keyField(f)] ?? 'conformance-rejected');
          const ops: WriteOp[] = [
            { op: 'create', key: keyOf(good[0]!, keyField(f)), record: good[0]! },
            { op: 'create', key: rejectedKey, record: rejected },
            { op: 'create', key: keyOf(good[1]!, keyField(f)), record: good[1]! },
          ];
          const outcomes = byKey(await target.write(ops), ops);
          const bad = outcomes.get(rejectedKey)!;
          expect(bad.ok, 'the rejected record is not ok').toBe(false);
          expect(bad.error, 'the rejected record carries a SluiceError').toBeInstanceOf(SluiceError);
          expect(
            bad.error?.retryable,
            `the rejection is not retryable (${bad.error?.code}: ${bad.error?.message})`,
          ).toBe(false);
          for (const op of [ops[0]!, ops[2]!]) {
            const id = expectOk(outcomes.get(op.key), `create ${op.key} beside a rejected record`);
            w.set(op.key, { record: (op as { record: DataRecord }).record, id });
          }
          const found = await target.lookup(ops.map((o) => o.key));
          expect(found.has(rejectedKey), 'the rejected record was not written').toBe(false);
          expect(found.has(ops[0]!.key) && found.has(ops[2]!.key), 'the good records were written').toBe(true);
        }
      },
    );

    if (targetResources.some((r) => r.capabilities.list === true)) {
      conformanceIt(
        state,
        'target: list() pages contain every written record once, with ids and comparable fields',
        async () => {
          const listing = fixtures().filter((f) => resourceOf(def, f).capabilities.list === true);
          expect(listing.length, 'a target fixture on a resource with capability list').toBeGreaterThan(0);
          for (const f of listing) {
            const target = open(f);
            expect(target.list, 'target.list exists').toBeTypeOf('function');
            const seen = new Map<string, { id: string; record: DataRecord }>();
            for await (const page of target.list!()) {
              for (const t of page) {
                expect(seen.has(t.key), `list() returns ${t.key} once`).toBe(false);
                seen.set(t.key, t);
              }
            }
            for (const [key, { record, id }] of writtenOf(f)) {
              expect(seen.get(key)?.id, `list() has ${key} with its id`).toBe(id);
              expect(seen.get(key)?.record, `list() record of ${key}`).toMatchObject(comparable(f, record));
            }
          }
        },
      );
    }

    if (targetResources.some((r) => (r.capabilities.deleteActions ?? []).length > 0)) {
      conformanceIt(
        state,
        'target: each delete action removes (delete) or deactivates (deactivate) one record',
        async () => {
          let exercised = 0;
          for (const f of fixtures()) {
            const actions = f.deleteActions ?? resourceOf(def, f).capabilities.deleteActions ?? [];
            const w = writtenOf(f);
            const target = open(f, 'mirror');
            const entries = [...w.entries()];
            for (const [i, action] of actions.entries()) {
              const [key, { id }] = entries[i + 1]!;
              const before = (await target.lookup([key])).get(key)!;
              const op: WriteOp = { op: 'delete', key, id, action, before: before.record };
              expectOk(byKey(await target.write([op]), [op]).get(key), `${action} ${key}`);
              const after = await target.lookup([key]);
              if (action === 'delete') expect(after.has(key), `${key} is gone after delete`).toBe(false);
              else expect(after.get(key)?.active, `${key} is inactive after deactivate`).toBe(false);
              w.delete(key);
              exercised++;
            }
          }
          expect(exercised, 'at least one delete action was exercised').toBeGreaterThan(0);
        },
      );
    }
  });
}
