import { describe, expect, it } from 'vitest';
import type { ResourceCapabilities, TargetRecord } from '../connector/types.js';
import type { LedgerEntry, LedgerStatus } from '../state/ledger.js';
import { classify, type ClassifyContext, type Item } from './classify.js';
import { emptySettlement } from './settle.js';
import type { Spill, SpillItem } from './spill.js';
import type { PlanAttention } from './types.js';

function entry(key: string, status: LedgerStatus, sourceKey: string | null, targetId = '42'): LedgerEntry {
  return {
    key,
    targetId: status === 'pending' ? null : targetId,
    payloadHash: null,
    status,
    op: 'create',
    origin: 'created',
    runId: 'run-1',
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
    sentAt: status === 'pending' ? '2026-11-01T00:00:00Z' : null,
    settleAfter: status === 'pending' ? '2026-11-01T01:00:00Z' : null,
    supersedes: null,
    reversalId: null,
    sourceKey,
    sourceFp: null,
    nOutputs: null,
    targetHash: null,
  };
}

const item = (key: string, sourceKey: string, resync = false): Item => ({
  key,
  sourceKey,
  record: { Reference: key.split('/')[1] },
  source: { id: sourceKey },
  ...(resync && { resync: true as const }),
});

/** Classifies `items` against a ledger and a target, returning the operations and attention entries. */
async function plan(
  items: Item[],
  ledger: LedgerEntry[],
  opts: { immutable?: boolean; routed?: boolean; target?: string[] } = {},
): Promise<{ ops: Map<string, { op: string; reason?: string }>; parked: PlanAttention[] }> {
  const ops = new Map<string, { op: string; reason?: string }>();
  const parked: PlanAttention[] = [];
  const rows = new Map(ledger.map((e) => [e.key, e]));
  const capabilities: ResourceCapabilities = { bulkSize: 20, modes: ['create'], immutable: opts.immutable ?? true };
  const ctx: ClassifyContext = {
    lookup: (keys) =>
      Promise.resolve(
        new Map<string, TargetRecord>(
          keys
            .filter((k) => opts.target?.includes(k))
            .map((k) => [k, { key: k, id: 'T', record: { Reference: k.split('/')[1] } }]),
        ),
      ),
    ledger: (keys) => Promise.resolve(new Map(keys.flatMap((k) => (rows.has(k) ? [[k, rows.get(k)!] as const] : [])))),
    settlement: emptySettlement(),
    capabilities,
    mode: 'create',
    corrections: 'lock',
    ...(opts.routed !== false && { routeConnections: ['b1-eu', 'b1-us'] }),
    keepTargetRecords: false,
    spill: {
      add: (i: SpillItem) => {
        if (i.t === 'op') ops.set(i.op.key, { op: i.op.op, ...('reason' in i.op && { reason: i.op.reason }) });
        return Promise.resolve();
      },
    } as unknown as Spill,
    park: (att) => {
      parked.push(att);
      return Promise.resolve();
    },
  };
  await classify(ctx, items);
  return { ops, parked };
}

describe('a routed record whose route changed after it was posted', () => {
  it('is parked ROUTE_CHANGED instead of being posted in the new company, naming both companies and the document', async () => {
    const { ops, parked } = await plan([item('b1-us/PAY-1', 'P1')], [entry('b1-eu/PAY-1', 'written', 'P1')]);
    expect(ops.get('b1-us/PAY-1')?.op).toBe('locked');
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ code: 'ROUTE_CHANGED', reasonClass: 'conflict', sourceKey: 'P1' });
    expect(parked[0]!.message).toContain('key PAY-1 was posted to b1-eu as 42 (run run-1); it now routes to b1-us');
    expect(parked[0]!.message).toContain('Reverse it in b1-eu, then re-sync the record');
  });

  it('is parked while its create in the old company is still in doubt', async () => {
    const { parked } = await plan([item('b1-us/PAY-1', 'P1')], [entry('b1-eu/PAY-1', 'pending', 'P1')]);
    expect(parked[0]?.code).toBe('ROUTE_CHANGED');
    expect(parked[0]!.message).toContain('was sent to b1-eu (run run-1, outcome not yet known)');
  });

  it('an entry written before the ledger kept source keys counts as the same record', async () => {
    const { parked } = await plan([item('b1-us/PAY-1', 'P1')], [entry('b1-eu/PAY-1', 'written', null)]);
    expect(parked.map((a) => a.code)).toEqual(['ROUTE_CHANGED']);
  });

  it('is posted when an operator re-syncs it (after reversing it in the old company)', async () => {
    const { ops, parked } = await plan([item('b1-us/PAY-1', 'P1', true)], [entry('b1-eu/PAY-1', 'written', 'P1')]);
    expect(ops.get('b1-us/PAY-1')?.op).toBe('create');
    expect(parked).toEqual([]);
  });

  it('posts as before: a namesake from another source record, a record reversed or deleted in the old company, one already in the new company, and a non-posting target', async () => {
    const namesake = await plan([item('b1-us/PAY-1', 'US-1')], [entry('b1-eu/PAY-1', 'written', 'EU-1')]);
    expect(namesake.ops.get('b1-us/PAY-1')?.op).toBe('create');
    for (const status of ['reversed', 'deleted'] as const) {
      const gone = await plan([item('b1-us/PAY-1', 'P1')], [entry('b1-eu/PAY-1', status, 'P1')]);
      expect(gone.ops.get('b1-us/PAY-1')?.op).toBe('create');
    }
    const there = await plan([item('b1-us/PAY-1', 'P1')], [entry('b1-eu/PAY-1', 'written', 'P1')], {
      target: ['b1-us/PAY-1'],
    });
    expect(there.ops.get('b1-us/PAY-1')?.op).toBe('noop');
    const master = await plan([item('b1-us/C1', 'C1')], [entry('b1-eu/C1', 'written', 'C1')], { immutable: false });
    expect(master.ops.get('b1-us/C1')?.op).toBe('create');
    const plain = await plan([item('b1-us/PAY-1', 'P1')], [entry('b1-eu/PAY-1', 'written', 'P1')], { routed: false });
    expect(plain.ops.get('b1-us/PAY-1')?.op).toBe('create');
  });

  it('a source record that posts to both companies at once is not a route change', async () => {
    const { ops, parked } = await plan(
      [item('b1-eu/PAY-1', 'P1'), item('b1-us/PAY-1', 'P1')],
      [entry('b1-eu/PAY-1', 'written', 'P1')],
      { target: ['b1-eu/PAY-1'] },
    );
    expect(ops.get('b1-us/PAY-1')?.op).toBe('create');
    expect(parked).toEqual([]);
  });
});
