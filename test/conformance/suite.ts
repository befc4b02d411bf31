/**
 * The connector conformance suite. Every connector's own tests call `runConformanceSuite` once per
 * backend or flavour (e.g. "sql on sqlite", "sql on mariadb"); it registers vitest `describe`/`it`
 * blocks, so call it at the top level of a `*.test.ts` file.
 *
 * ## The contract
 *
 * A subject is `{ name, definition, setup, authFailure?, injectRetryableFailure?, injectFinalFailure? }`.
 * Which tests are registered is decided from data known when the file is collected (the
 * definition's roles, the presence of the failure hooks), so nothing is ever skipped: an optional
 * hook that is absent registers no test, and a role the definition offers must be covered by the
 * fixture or its test fails.
 *
 * `setup()` runs once (beforeAll) and returns the fixture; `fixture.teardown()` runs once at the end.
 *
 * The definition itself (`definitionProblems` in definition-checks.ts lists every problem at once):
 * name and resource names match /^[a-z][a-z0-9-]*$/; descriptions are non-empty; the config schema
 * and every options schema are `type: object` with `additionalProperties: false` and compile with
 * `conformanceAjv()` (Ajv 8, draft-07, strict schema: an unknown keyword fails, so use `examples`
 * not `example`; ajv-formats; the `x-secret` keyword); roles are distinct source/lookup/target;
 * a target declares bulkSize >= 1; bulkSize, modes, deleteActions, immutable and list appear only
 * on target resources, incremental and confirm only on source resources.
 *
 * - `config`: a valid, resolved connection config (references already substituted). It must pass
 *   the config schema. `context` overrides the default ConnectorContext (connectionName
 *   "conformance", baseDir = cwd, an in-memory credential vault shared by all the suite's
 *   connections of this fixture, a silent logger).
 * - `invalidConfigs`: at least one config the config schema must reject. The suite adds one of its
 *   own (the valid config plus an unknown property), so config schemas need
 *   `additionalProperties: false`.
 * - `source` (one or several; required when a resource offers the `source` role): `resource`,
 *   `options` (must pass the resource's options schema), `keyField` (default: the resource's key),
 *   `expectedKeys` (every key the resource holds, in any order, at least 3), `pageSize` (default 2,
 *   smaller than expectedKeys.length; the connector must honour it: several pages, none larger).
 *   `incremental` (`{ cursorField, since, expectedKeys }`) is required on a fixture whose resource
 *   declares capability `incremental`: reading with `since`/`cursorField` yields exactly those keys.
 * - `lookup` (required when a resource offers the `lookup` role; defaults to the `source` fixtures
 *   whose resource has the lookup role): same shape; read without a page size, all keys must come back.
 * - `target` (required when a resource offers the `target` role): `resource`, `options`, `keyField`
 *   (default: the resource's key), `mode` (default upsert when offered), `newRecord(i)` (distinct
 *   keys for distinct i, none present in the target when setup returns), `changeRecord(r)` (same
 *   key, some field changed), `comparable?(written)` (the fields `lookup` must return for a written
 *   record, default: the written record itself; `toMatchObject` is used, so extra fields are fine),
 *   `rejectedRecord()` (required: a record the target refuses, for that record only, with a
 *   non-retryable error; its key is `record[keyField]`, else "conformance-rejected"),
 *   `deleteActions?` (default: the resource's capability). One connection serves all target
 *   tests and the target resource is opened again (openTarget, through the engine dispatch) for each.
 *   The suite creates max(bulkSize + 1, 3) records in write calls of at most bulkSize ops and
 *   expects one ok outcome with a non-empty id per op (and, for bulkSize > 1, fewer remote calls
 *   than records); `lookup` then finds exactly those keys with the same ids and comparable
 *   records (unknown keys absent, `lookup([])` empty); an update is visible through `lookup`; a
 *   rejected record fails alone in a call of three; `list()` (capability `list`) contains every
 *   written record; each delete action removes the record (`delete`: absent from lookup) or marks
 *   it `active: false` (`deactivate`). Deletes are written through a target opened in mode mirror.
 * - `probe?(connection)`: the one remote call the failure tests make. Default: the first page of
 *   the first source fixture, else `lookup(['conformance-probe'])` on the first target fixture.
 *
 * Failure hooks (subject level, each gets the fixture):
 * - `authFailure(fx)` returns `{ config, context? }` whose credentials the remote rejects: `open`
 *   or the probe must throw an AuthError (code AUTH_FAILED, retryable false).
 * - `injectRetryableFailure(fx)`: the suite opens a connection, probes once (warm: sessions and
 *   pooled sockets exist), injects, and probes again: that probe must throw a SluiceError with
 *   retryable true (connection refused, 503, lock timeout...). Return a restore function and keep
 *   failing until it is called (a connector that retries internally must keep its retries short in
 *   the fixture config), or make the failure one-shot and return nothing. Either way the next probe
 *   on the same connection must succeed: a transient failure does not break the connection.
 * - `injectFinalFailure(fx)`: the same with a failure no retry can fix (missing table, malformed
 *   file, 400): the error must be a SluiceError with retryable false. When a restore function is
 *   returned, the probe must succeed again after it.
 *
 * Every opened connection is closed by the suite; `close()` must be safe to call twice.
 * `stats().apiCalls` must be a non-negative integer that grows when a read is made.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { conformanceContext, memoryVault } from './context.js';
import { registerDefinitionTests } from './definition-tests.js';
import { registerFailureTests } from './failure-tests.js';
import { registerSourceTests } from './source-tests.js';
import { registerTargetTests } from './target-tests.js';
import type { SuiteState } from './state.js';
import type { ConformanceFixture, ConformanceSubject } from './subject.js';

export type { ConformanceFixture, ConformanceSubject, Restore, SourceFixture, TargetFixture } from './subject.js';
export { conformanceContext, memoryVault } from './context.js';

export function runConformanceSuite<
  Config = Record<string, unknown>,
  F extends ConformanceFixture<Config> = ConformanceFixture<Config>,
>(subject: ConformanceSubject<Config, F>): void {
  describe(`connector conformance: ${subject.name}`, () => {
    let fx: F | undefined;
    const vault = memoryVault();
    const state: SuiteState<Config, F> = {
      subject,
      fixture: () => {
        if (!fx) throw new Error('conformance fixture is not set up (setup() failed?)');
        return fx;
      },
      context: (overrides = {}) => conformanceContext({ ...state.fixture().context, ...overrides }, vault),
      open: (config) => subject.definition.open(config ?? state.fixture().config, state.context()),
    };

    beforeAll(async () => {
      fx = await subject.setup();
    });
    afterAll(async () => {
      await fx?.teardown?.();
    });

    registerDefinitionTests(state);
    registerSourceTests(state);
    registerTargetTests(state);
    registerFailureTests(state);
  });
}
