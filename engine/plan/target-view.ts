/**
 * How the engine sees the target's records by dedupe key: through `lookup` when the key is a plain
 * field, or through an index of `list()` built once when the key is an expression. The planner, the
 * mirror pass, settlement and the stale-plan check all use this one path, so they see the same thing.
 */
import type { TargetRecord, TargetResource } from '../connector/types.js';
import { ConfigError } from '../errors.js';
import type { KeyFn } from '../transform/key.js';

const BATCH = 500;

export class TargetView {
  private listIndex: Map<string, TargetRecord> | undefined;

  constructor(
    private readonly target: TargetResource,
    private readonly key: KeyFn,
    /** The target field carrying the key, when it is a plain field. */
    private readonly keyField: string | undefined,
    /** A routed target: the key a listed record (with its routed `key`) is indexed by, given its computed key. */
    private readonly scope?: (listedKey: string, key: string) => string,
  ) {}

  /** Existing target records for these keys (absent keys are missing from the map). */
  async lookup(keys: readonly string[]): Promise<Map<string, TargetRecord>> {
    if (keys.length === 0) return new Map();
    if (this.keyField !== undefined) {
      if (keys.length <= BATCH) return this.target.lookup([...keys]);
      const out = new Map<string, TargetRecord>();
      for (let i = 0; i < keys.length; i += BATCH) {
        for (const [k, v] of await this.target.lookup(keys.slice(i, i + BATCH))) out.set(k, v);
      }
      return out;
    }
    const index = await this.index();
    const out = new Map<string, TargetRecord>();
    for (const k of keys) {
      const r = index.get(k);
      if (r) out.set(k, r);
    }
    return out;
  }

  private async index(): Promise<Map<string, TargetRecord>> {
    if (this.listIndex) return this.listIndex;
    if (!this.target.list) {
      throw new ConfigError(
        'KEY_EXPRESSION_UNSUPPORTED',
        'the target cannot list its records, so it cannot be matched by a key expression: use a plain field as target.key',
      );
    }
    const index = new Map<string, TargetRecord>();
    for await (const page of this.target.list()) {
      for (const rec of page) {
        try {
          const v = this.key(rec.record);
          const k = typeof v === 'string' ? v : await v;
          index.set(this.scope ? this.scope(rec.key, k) : k, rec);
        } catch {
          // a target record without a computable key cannot match any source record
        }
      }
    }
    this.listIndex = index;
    return index;
  }
}
