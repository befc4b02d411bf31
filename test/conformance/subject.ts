/** The conformance subject and fixture types; `suite.ts` documents the contract they carry. */
import type {
  Connection,
  ConnectorContext,
  ConnectorDefinition,
  DataRecord,
  DeleteAction,
  Mode,
} from '../../engine/connector/types.js';

export interface SourceFixture {
  resource: string;
  options: DataRecord;
  /** Field carrying the record key; default the resource's `key`. */
  keyField?: string;
  /** Every key the resource holds, in any order (at least 3). */
  expectedKeys: string[];
  /** Page size the paging test reads with; default 2. Must be smaller than expectedKeys.length. */
  pageSize?: number;
  /** Required when the resource has capability `incremental`. */
  incremental?: { cursorField: string; since: string; expectedKeys: string[] };
}

export interface TargetFixture {
  resource: string;
  options: DataRecord;
  /** Field carrying the dedupe key; default the resource's `key`. */
  keyField?: string;
  /** Binding mode for creates and updates; default upsert when the resource offers it. */
  mode?: Mode;
  /** A new record; distinct keys for distinct i, absent from the target when setup() returns. */
  newRecord(i: number): DataRecord;
  /** The same record (same key) with at least one field changed. */
  changeRecord(record: DataRecord): DataRecord;
  /** What lookup must return (toMatchObject) for a written record; default the record itself. */
  comparable?(written: DataRecord): DataRecord;
  /** A record the target refuses for that record only, with a non-retryable error (required: every target can refuse something). */
  rejectedRecord(): DataRecord;
  /** Delete actions to exercise; default the resource's `deleteActions` capability. */
  deleteActions?: DeleteAction[];
}

export interface ConformanceFixture<Config = Record<string, unknown>> {
  config: Config;
  context?: Partial<ConnectorContext>;
  invalidConfigs: unknown[];
  source?: SourceFixture | SourceFixture[];
  lookup?: SourceFixture | SourceFixture[];
  target?: TargetFixture | TargetFixture[];
  /** The remote call the failure tests make; see the contract above for the default. */
  probe?(connection: Connection): Promise<unknown>;
  teardown?(): Promise<void>;
}

/** Called after an injected failure was observed; puts the remote back in order. */
export type Restore = () => Promise<void>;

export interface ConformanceSubject<
  Config = Record<string, unknown>,
  F extends ConformanceFixture<Config> = ConformanceFixture<Config>,
> {
  /** Label of the top-level describe block. */
  name: string;
  definition: ConnectorDefinition<Config>;
  setup(): Promise<F>;
  authFailure?(fixture: F): Promise<{ config: Config; context?: Partial<ConnectorContext> }>;
  injectRetryableFailure?(fixture: F): Promise<Restore | void>;
  injectFinalFailure?(fixture: F): Promise<Restore | void>;
  /** Per-test timeout in ms (default: the vitest config's). */
  timeoutMs?: number;
}
