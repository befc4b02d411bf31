/** Conformance tests of failures: auth rejected, transient (retryable) and final errors. */
import { expect } from 'vitest';
import { openSource, openTarget } from '../../engine/connector/dispatch.js';
import type { Connection, ConnectorDefinition } from '../../engine/connector/types.js';
import { AuthError, SluiceError } from '../../engine/errors.js';
import { asList, conformanceIt, type SuiteState } from './state.js';
import type { ConformanceFixture } from './subject.js';

/** The remote call the failure tests make (see the contract in suite.ts). */
export async function probe(
  def: ConnectorDefinition<never>,
  fx: ConformanceFixture<unknown>,
  connection: Connection,
): Promise<void> {
  if (fx.probe) {
    await fx.probe(connection);
    return;
  }
  const source = asList(fx.source)[0];
  if (source) {
    const resource = openSource(def, connection, source.resource, source.options);
    for await (const page of resource.read({ pageSize: source.pageSize ?? 2 })) {
      void page;
      break;
    }
    return;
  }
  const target = asList(fx.target)[0];
  expect(target, 'a failure test needs a source or target fixture, or fixture.probe').toBeDefined();
  const keyField = target!.keyField ?? def.resources[target!.resource]!.key;
  const opened = openTarget(def, connection, target!.resource, target!.options ?? {}, {
    keyField,
    mode: target!.mode ?? 'upsert',
  });
  await opened.lookup(['conformance-probe']);
}

async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

export function registerFailureTests<Config, F extends ConformanceFixture<Config>>(state: SuiteState<Config, F>): void {
  const subject = state.subject;
  const def = subject.definition as ConnectorDefinition<never>;

  if (subject.authFailure) {
    const authFailure = subject.authFailure.bind(subject);
    conformanceIt(state, 'auth: rejected credentials surface as AuthError (AUTH_FAILED, not retryable)', async () => {
      const fx = state.fixture();
      const { config, context } = await authFailure(fx);
      let connection: Connection | undefined;
      const err = await caught(async () => {
        connection = await subject.definition.open(config, state.context(context));
        await probe(def, fx, connection);
      });
      await connection?.close();
      expect(err, 'open or the first call throws').toBeInstanceOf(AuthError);
      expect((err as AuthError).code).toBe('AUTH_FAILED');
      expect((err as AuthError).retryable).toBe(false);
    });
  }

  const injections = [
    {
      name: 'a transient failure surfaces as a retryable SluiceError; the connection works again after it',
      hook: subject.injectRetryableFailure,
      retryable: true,
    },
    {
      name: 'a final failure surfaces as a non-retryable SluiceError',
      hook: subject.injectFinalFailure,
      retryable: false,
    },
  ];
  for (const { name, hook, retryable } of injections) {
    if (!hook) continue;
    const inject = hook.bind(subject);
    conformanceIt(state, `errors: ${name}`, async () => {
      const fx = state.fixture();
      const connection = await state.open();
      try {
        await probe(def, fx, connection); // warm: sessions and pooled sockets exist before the failure
        const restore = await inject(fx);
        let err: unknown;
        try {
          err = await caught(() => probe(def, fx, connection));
        } finally {
          if (restore) await restore();
        }
        expect(err, 'the probe fails').toBeInstanceOf(SluiceError);
        expect(
          (err as SluiceError).retryable,
          `retryable of ${(err as SluiceError).code}: ${(err as SluiceError).message}`,
        ).toBe(retryable);
        if (restore || retryable) await probe(def, fx, connection);
      } finally {
        await connection.close();
      }
    });
  }
}
