import { describe, expect, it } from 'vitest';
import type { TargetResource, WriteOp } from '../connector/types.js';
import { AuthError, ConnectorError } from '../errors.js';
import { RoutedTarget } from './routed-target.js';

/** A target that records what it was sent and answers ok, or throws `fail`. */
function fake(window: number, fail?: Error): TargetResource & { sent: string[][] } {
  const sent: string[][] = [];
  return {
    sent,
    commitWindowMs: window,
    lookup: (keys) =>
      Promise.resolve(
        new Map(keys.filter((k) => k !== 'missing').map((k) => [k, { key: k, id: `id-${k}`, record: { k } }])),
      ),
    write: (ops: WriteOp[]) => {
      sent.push(ops.map((o) => o.key));
      if (fail) return Promise.reject(fail);
      return Promise.resolve(ops.map((o) => ({ key: o.key, ok: true, id: `new-${o.key}` })));
    },
  };
}
const create = (key: string): WriteOp => ({ op: 'create', key, record: {} });

describe('the target of a routed pipeline', () => {
  it('sends each connection its own records with plain keys and answers with routed keys', async () => {
    const eu = fake(1000);
    const us = fake(5000);
    const t = new RoutedTarget(
      new Map([
        ['eu', eu],
        ['us', us],
      ]),
    );
    expect(t.commitWindowMs).toBe(5000); // a create in doubt waits for the slowest company
    const out = await t.write([create('eu/A'), create('us/A'), create('eu/B/1')]);
    expect(eu.sent).toEqual([['A', 'B/1']]);
    expect(us.sent).toEqual([['A']]);
    expect(out.map((o) => [o.key, o.id])).toEqual([
      ['eu/A', 'new-A'],
      ['eu/B/1', 'new-B/1'],
      ['us/A', 'new-A'],
    ]);
    const found = await t.lookup(['us/A', 'eu/missing']);
    expect([...found.entries()].map(([k, r]) => [k, r.key, r.id])).toEqual([['us/A', 'us/A', 'id-A']]);
  });

  it('a connection that fails answers for its own records only; what the other acknowledged is kept', async () => {
    const eu = fake(0);
    const us = fake(0, new Error('socket hang up'));
    const t = new RoutedTarget(
      new Map([
        ['eu', eu],
        ['us', us],
      ]),
    );
    const out = await t.write([create('eu/A'), create('us/B')]);
    expect(out.find((o) => o.key === 'eu/A')).toMatchObject({ ok: true });
    const b = out.find((o) => o.key === 'us/B')!;
    expect(b.ok).toBe(false);
    expect(b.error).toBeInstanceOf(ConnectorError);
    expect(b.error!.writeOutcome).toBe('unknown'); // the create is in doubt, never failed
  });

  it('refused credentials stop the run when nothing was acknowledged yet', async () => {
    const auth = new AuthError('login refused');
    const t = new RoutedTarget(
      new Map([
        ['eu', fake(0, auth)],
        ['us', fake(0)],
      ]),
    );
    await expect(t.write([create('eu/A'), create('us/B')])).rejects.toBe(auth);
  });

  it('refuses a key of a connection the route does not have', async () => {
    const t = new RoutedTarget(new Map([['eu', fake(0)]]));
    await expect(t.lookup(['apac/A'])).rejects.toMatchObject({ code: 'ROUTE_KEY_INVALID' });
  });
});
