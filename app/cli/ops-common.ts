/** Plumbing of the operator commands (attention, resync, log, runs): open the store, refuse bad arguments with exit 2. */
import { ConfigError, asSluiceError } from '../../engine/errors.js';
import type { StateStore } from '../../engine/state/store.js';
import { write, type CliIo, type GlobalOptions } from './common.js';

export async function withState(
  command: string,
  opts: GlobalOptions,
  io: CliIo,
  fn: (state: StateStore) => Promise<void>,
): Promise<void> {
  let state: StateStore | undefined;
  try {
    const { openStateStore } = await import('../../engine/state/store.js');
    state = await openStateStore({ ...(opts.state && { url: opts.state }) });
    await fn(state);
  } catch (err) {
    const e = asSluiceError(err);
    write(io.stderr, `sluice ${command}: ${e.code}: ${e.message}\n`);
    io.exitCode = e instanceof ConfigError ? 2 : 1;
  } finally {
    await state?.close();
  }
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
