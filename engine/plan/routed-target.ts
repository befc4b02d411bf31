/**
 * The target of a routed pipeline: one TargetResource over the targets of every connection the
 * route can produce, speaking routed keys (`connection/key`, see transform/route.ts). Look-ups,
 * writes, reversals and lists go to the connection named in each key, with the plain key; answers
 * come back under the routed key. So the planner, the applier, settlement and the mirror pass work
 * per connection without knowing there are several: a create left in doubt in one company is
 * searched for in that company only.
 */
import type {
  DataRecord,
  PreparedRecord,
  ReverseOp,
  TargetRecord,
  TargetResource,
  WriteOp,
  WriteOutcome,
} from '../connector/types.js';
import { AuthError, ConnectorError, SluiceError, describeError } from '../errors.js';
import { routedKey, splitRoutedKey } from '../transform/route.js';

export class RoutedTarget implements TargetResource {
  readonly commitWindowMs: number;
  readonly list?: () => AsyncIterable<TargetRecord[]>;

  constructor(private readonly targets: ReadonlyMap<string, TargetResource>) {
    // A create in doubt is searched for only when no connection of the route can still commit it.
    this.commitWindowMs = Math.max(0, ...[...targets.values()].map((t) => t.commitWindowMs));
    if ([...targets.values()].every((t) => t.list)) this.list = () => this.listAll();
  }

  /** The target of a routed key's connection (a key of a connection outside the route is a bug upstream). */
  private split(key: string): { target: TargetResource; connection: string; key: string } {
    const parts = splitRoutedKey(key);
    const target = parts && this.targets.get(parts.connection);
    if (!parts || !target)
      throw new SluiceError(
        'ROUTE_KEY_INVALID',
        parts
          ? `the state holds record "${key}" of connection "${parts.connection}", which target.connection no longer routes to: add the connection back to the route (its records are settled and mirrored there), or resolve that record's entries first`
          : `key "${key}" names no connection of this pipeline's route`,
      );
    return { target, ...parts };
  }

  private group<T extends { key: string }>(items: T[]): Map<string, { target: TargetResource; items: T[] }> {
    const out = new Map<string, { target: TargetResource; items: T[] }>();
    for (const item of items) {
      const { target, connection, key } = this.split(item.key);
      const g = out.get(connection) ?? { target, items: [] };
      g.items.push({ ...item, key });
      out.set(connection, g);
    }
    return out;
  }

  async lookup(keys: string[]): Promise<Map<string, TargetRecord>> {
    const out = new Map<string, TargetRecord>();
    for (const [connection, g] of this.group(keys.map((key) => ({ key })))) {
      const found = await g.target.lookup(g.items.map((i) => i.key));
      for (const [k, rec] of found) out.set(routedKey(connection, k), { ...rec, key: routedKey(connection, rec.key) });
    }
    return out;
  }

  private async *listAll(): AsyncIterable<TargetRecord[]> {
    for (const [connection, target] of this.targets) {
      for await (const page of target.list!()) {
        yield page.map((rec) => ({ ...rec, key: routedKey(connection, rec.key) }));
      }
    }
  }

  /** Preparation needs the record's connection: the planner passes the routed keys along. */
  async prepareRouted(records: DataRecord[], keys: string[]): Promise<PreparedRecord[]> {
    const out: PreparedRecord[] = records.map((record) => ({ ok: true, record }));
    const groups = this.group(records.map((record, i) => ({ key: keys[i]!, record, i })));
    for (const g of groups.values()) {
      if (!g.target.prepareRecords) continue;
      const prepared = await g.target.prepareRecords(g.items.map((x) => x.record));
      g.items.forEach((x, j) => {
        out[x.i] = prepared[j] ?? {
          ok: false,
          code: 'PREPARE_FAILED',
          message: 'the target returned no prepared record',
        };
      });
    }
    return out;
  }

  write(ops: WriteOp[]): Promise<WriteOutcome[]> {
    return this.each(ops, (t, part) => t.write(part));
  }

  reverse(ops: ReverseOp[]): Promise<WriteOutcome[]> {
    return this.each(ops, (t, part) => {
      if (!t.reverse) throw new SluiceError('ROLE_UNSUPPORTED', 'the target cannot reverse records');
      return t.reverse(part);
    });
  }

  async finish(): Promise<void> {
    for (const t of this.targets.values()) await t.finish?.();
  }

  /**
   * Sends each connection its part of a batch. A part that throws answers for its own records only
   * (as the applier would for a whole batch), so what another connection acknowledged is kept; an
   * auth refusal is thrown as is when nothing was acknowledged yet, so the run stops as it would.
   */
  private async each<T extends { key: string }>(
    ops: T[],
    send: (target: TargetResource, part: T[]) => Promise<WriteOutcome[]>,
  ): Promise<WriteOutcome[]> {
    const out: WriteOutcome[] = [];
    for (const [connection, g] of this.group(ops)) {
      let answers: WriteOutcome[];
      try {
        answers = await send(g.target, g.items);
      } catch (raw) {
        if (raw instanceof AuthError && out.length === 0) throw raw;
        const error =
          raw instanceof SluiceError
            ? raw
            : new ConnectorError('WRITE_FAILED', `the target connector failed: ${describeError(raw)}`, {
                cause: raw,
                writeOutcome: 'unknown',
              });
        answers = g.items.map((o) => ({ key: o.key, ok: false, error }));
      }
      for (const a of answers) out.push({ ...a, key: routedKey(connection, a.key) });
    }
    return out;
  }
}
