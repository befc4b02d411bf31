/**
 * The connector contract. A connector is a definition object (name, config schema, resources with
 * their roles and capabilities) plus a factory that opens a connection. Each resource opens its own
 * source and target on that connection; the engine dispatches by resource name (./dispatch.ts) and
 * refuses unknown resources, roles and modes itself. The engine never imports a connector directly:
 * it goes through the registry built from `connectors/index.ts`.
 */
import type { SluiceError } from '../errors.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';

export type DataRecord = Record<string, unknown>;
export type JsonSchema = Record<string, unknown>;

export const ROLES = ['source', 'lookup', 'target'] as const;
export type Role = (typeof ROLES)[number];

export const MODES = ['create', 'upsert', 'mirror'] as const;
export type Mode = (typeof MODES)[number];

export const DELETE_ACTIONS = ['delete', 'deactivate'] as const;
export type DeleteAction = (typeof DELETE_ACTIONS)[number];

export interface ResourceCapabilities {
  /** Most records one write call may carry (the engine batches writes by this). Default 1. */
  bulkSize?: number;
  /** Target modes this resource supports. Default: all three. */
  modes?: readonly Mode[];
  /** Delete actions the target supports in mirror mode. Empty: mirror deletes are impossible. */
  deleteActions?: readonly DeleteAction[];
  /** Existing target records are posted/booked: never updated, never re-created (they plan as `locked`). */
  immutable?: boolean;
  /**
   * Posted records can be reversed (the `reverse` write op): with `corrections: reverse-and-repost`
   * a changed source record reverses the posted one and posts the new version.
   */
  reversible?: boolean;
  /** Source can read incrementally from a cursor value (`ReadRequest.since`). */
  incremental?: boolean;
  /** Source expects a confirmation per record once the target applied it (`SourceResource.confirm`). */
  confirm?: boolean;
  /** Target can list all of its records (needed for mirror mode and for expression keys). */
  list?: boolean;
}

/** What the engine tells a resource it opens, besides the connection and its options. */
export interface ResourceOpenContext {
  /** The resource's name in the connector's `resources` (as the pipeline names it). */
  resource: string;
}

/**
 * One resource of a connector: what it offers (roles, key, options, capabilities) and how it opens
 * itself on an open connection `Conn` (the state the connector's `open` returned). The engine calls
 * `openSource` for the source and lookup roles and `openTarget` for the target role, only after it
 * checked the resource offers that role (and, for targets, the pipeline's mode); `options` were
 * validated against `optionsSchema`.
 */
export interface ResourceDefinition<Conn = Connection> {
  description: string;
  roles: readonly Role[];
  /** Natural key field of this resource's records (source: the record id used in attention entries). */
  key: string;
  /** JSON Schema of `source.options` / `target.options` / `lookups.<name>.options` for this resource. */
  optionsSchema: JsonSchema;
  capabilities: ResourceCapabilities;
  /**
   * Static check of literal string fields the transform assigns (from a top-level object
   * constructor), run by `sluice validate`: e.g. a Concur list code containing a hyphen.
   */
  lintLiterals?(fields: Record<string, string>): { field: string; message: string }[];
  /**
   * The one record check: a target record before anything is sent (balance, field lengths), without
   * a connection, run by the engine for every planned record (and by offline pipeline tests).
   * Problems send the record to attention (CHECK_FAILED).
   */
  check?(record: DataRecord): string[];
  /** Opens the resource for reading (roles source and lookup). */
  openSource?(conn: Conn, options: DataRecord, ctx: ResourceOpenContext): SourceResource;
  /** Opens the resource for writing (role target). */
  openTarget?(conn: Conn, options: DataRecord, binding: TargetBinding, ctx: ResourceOpenContext): TargetResource;
}

/** Encrypted, versioned storage for rotated credentials (refresh tokens, sessions), in the state store. */
export interface CredentialVault {
  get<T>(name: string): Promise<{ value: T; version: number } | undefined>;
  /**
   * Store `value`. With `expectedVersion`, this is a compare-and-swap: it returns false (and writes
   * nothing) when another process stored a newer version meanwhile. Pass 0 to create a new entry.
   */
  put<T>(name: string, value: T, expectedVersion?: number): Promise<boolean>;
  delete(name: string): Promise<void>;
}

export interface ConnectorContext {
  /** The connection's name in connections.yaml (use it to name vault entries). */
  connectionName: string;
  /** Directory of the connections file: relative paths in the connection config and in resource options resolve against it. */
  baseDir: string;
  credentials: CredentialVault;
  logger: Logger;
  signal?: AbortSignal;
  /** Time for the connector's own waits, deadlines, session and token lifetimes (default the system clock); tests share one with an emulator. */
  clock?: Clock;
}

export interface ConnectionStats {
  /** Remote API calls made through this connection (all of them, including auth and retries). */
  apiCalls: number;
  /** Calls per logical operation, e.g. { "GET list-items": 21, "POST bulk": 1 }. */
  calls?: Record<string, number>;
}

/**
 * An open connection: the connector's own state (client, session, caches) that its resources open
 * on, plus what the engine needs from every connection.
 */
export interface Connection {
  stats(): ConnectionStats;
  /** Release sockets/sessions. Called once at the end of a run, also after failures. */
  close(): Promise<void>;
}

export interface TargetBinding {
  /** Target field that carries the dedupe key (when the key is a plain field); undefined when it is a JSONata expression. */
  keyField: string | undefined;
  mode: Mode;
}

export interface ReadRequest {
  /** Incremental lower bound (inclusive), already moved back by the pipeline's lookback. */
  since?: string;
  /** The record field the cursor tracks (`source.incremental.field`). */
  cursorField?: string;
  /**
   * With `since` (only when the pipeline has no lookback): the key (the resource's key field) of the
   * last record the previous run read at cursor value `since`, in the source's (cursor, key) order.
   * A source that reads in that order may start after it — `(cursor, key) > (since, sinceKey)` —
   * instead of re-reading every record that shares the value. Others ignore it (and read `>= since`).
   */
  sinceKey?: string;
  /** Preferred page size; connectors may clamp to the remote limit. */
  pageSize?: number;
  /**
   * A plan, not a run: read without side effects on the source (no acknowledgements, no bookkeeping);
   * the records must be the ones a run would read now.
   */
  dryRun?: boolean;
  signal?: AbortSignal;
  /**
   * Called for each source row that cannot be read as a record (a CSV row with the wrong number of
   * fields, a broken JSON line, invalid UTF-8, a non-finite number): the connector reports it and
   * goes on with the next row. The engine parks it in attention with its location and raw text.
   * Connectors that cannot tell rows apart (one broken structure spoils the rest) throw instead.
   */
  reject?(row: RejectedRow): void;
}

/** A source row that could not be read as a record. */
export interface RejectedRow {
  /** Where it is, as a consultant would look for it: `orders.csv:17:1`, `page 3, item 12`. */
  location: string;
  /** A stable code, e.g. FILE_CSV_FIELD_COUNT, FILE_JSON_INVALID, FILE_INVALID_UTF8. */
  code: string;
  /** What is wrong and what to do. */
  message: string;
  /** The raw text of the row as read (invalid bytes escaped as \xNN, never replaced); the engine truncates it. */
  raw: string;
  /** The row's value of the resource's key field (`ResourceDefinition.key`), when it could still be read. */
  key?: string;
}

export const CONFIRM_STATUSES = ['success', 'failure', 'deferred'] as const;
export type ConfirmStatus = (typeof CONFIRM_STATUSES)[number];

export interface ConfirmOutcome {
  /** The source record's key (its `key` field). */
  sourceKey: string;
  /** The source record as read. */
  record: DataRecord;
  /** success: the target holds it; failure: it went to attention with a final error; deferred: try again later. */
  status: ConfirmStatus;
  targetId?: string;
  /** What the target holds for it (the record as written), e.g. a posting's date and number. */
  targetRecord?: DataRecord;
  message?: string;
}

export interface SourceResource {
  /** Pages of records, in the remote's order. Must stream: never load a whole large source. */
  read(request: ReadRequest): AsyncIterable<DataRecord[]>;
  /** Called after apply with one outcome per source record, when the resource has the `confirm` capability. */
  confirm?(outcomes: ConfirmOutcome[]): Promise<void>;
  /**
   * With `confirm`: what of a source record its confirmation needs. The engine keeps it in memory
   * from planning until the confirmation is sent; without this hook it keeps the whole record.
   */
  confirmKeeps?(record: DataRecord): DataRecord;
  /**
   * With `confirm`: what of the record the target holds its confirmation needs (kept as
   * `ConfirmOutcome.targetRecord`), or undefined for nothing. Without this hook the whole target
   * record is kept in memory until the confirmation is sent.
   */
  confirmKeepsTarget?(record: DataRecord): DataRecord | undefined;
}

/** A record as it exists in the target. */
export interface TargetRecord {
  /** Dedupe key value. */
  key: string;
  /** The target's own id (DocEntry, list item id, row id...). */
  id: string;
  /** Comparable shape: the same field names and value types the target accepts on write. */
  record: DataRecord;
  /** Set when the record may not be changed (posted, booked); the reason goes to attention. */
  locked?: string;
  /** False for soft-deleted / deactivated records. */
  active?: boolean;
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export type WriteOp =
  | { op: 'create'; key: string; record: DataRecord }
  | { op: 'update'; key: string; id: string; record: DataRecord; before: DataRecord; changes: FieldChange[] }
  | { op: 'delete'; key: string; id: string; action: DeleteAction; before: DataRecord };

/** Reverse the posted record `id`: a correction's first step (see TargetResource.reverse). */
export interface ReverseOp {
  key: string;
  id: string;
  before: DataRecord;
  /** Why, for the target's own remarks where it keeps them. */
  reason: string;
}

export interface WriteOutcome {
  key: string;
  ok: boolean;
  /** Target id of the written record (for creates: the new id). */
  id?: string;
  /**
   * Why it failed; `retryable` decides whether the engine tries the record again, `writeOutcome`
   * whether the target may have applied it anyway (then a create is in doubt and is not re-sent).
   */
  error?: SluiceError;
}

export interface TargetResource {
  /**
   * Existing target records for these dedupe keys (missing keys are simply absent). Only called when
   * the key is a plain field. The engine calls it before creates, before any retry of a create, and
   * to settle creates whose outcome was unknown: it must reflect the target now (read it again, or
   * drop any cache after a write whose outcome is unknown), never an earlier copy.
   */
  lookup(keys: string[]): Promise<Map<string, TargetRecord>>;
  /** Every record in the target resource, in pages (capability `list`). */
  list?(): AsyncIterable<TargetRecord[]>;
  /**
   * Completes records the way the target will hold them, with what only the target knows, before
   * they are planned (and so before they are diffed, hashed, shown and written): e.g. foreign-currency
   * amounts converted at the target's rate for the posting date, a posting date moved out of a closed
   * period. Reads only; called for every page in a plan and a run alike. One result per record, in order.
   * The engine keeps the `lookup` contract: a record the target holds compares with the prepared one.
   */
  prepareRecords?(records: DataRecord[]): Promise<PreparedRecord[]>;
  /**
   * Reverses posted records (capability `reversible`), e.g. SAP B1 `JournalEntries(id)/Cancel`. A
   * second reversal of the same record must be refused by the target, so the engine may send one
   * whose outcome is unknown again. One outcome per op; its `id` is the reversal's own id, if any.
   * After a reversal, `lookup` no longer returns the reversed record for its key.
   */
  reverse?(ops: ReverseOp[]): Promise<WriteOutcome[]>;
  /** One call for up to `bulkSize` operations; one outcome per op, in any order, matched by key. */
  write(ops: WriteOp[]): Promise<WriteOutcome[]>;
  /**
   * Optional. Called once after a run's apply went through the whole plan (not in a plan, not after
   * a stop), before the cursor is committed. For a target that keeps acknowledged writes durably
   * staged and brings them into place at the end (the file target's journal, rewritten into the file
   * once per run instead of once per write call). It must not change what the acknowledged writes
   * did, and a staging it could not bring into place must stay durable for a later run's `finish`.
   * A failure fails the run (its writes stay acknowledged; the cursor does not move).
   */
  finish?(): Promise<void>;
  /**
   * How long after a write request was sent the target may still commit it (milliseconds): the bound
   * on a request that timed out or lost its answer while the target carried on. The engine records
   * each create as in flight before sending it and searches the target for a create whose outcome is
   * unknown only after this window has passed; nothing re-sends it before. 0 for targets that commit
   * synchronously (a local file, a database transaction). For a remote API, the server's own request
   * timeout, configurable per connection.
   */
  readonly commitWindowMs: number;
}

/** A record as `prepare` completed it, or why it cannot be posted (it goes to attention). */
export type PreparedRecord =
  | { ok: true; record: DataRecord; /** What was changed and why, shown in the plan. */ notes?: string[] }
  | { ok: false; code: string; message: string; reasonClass?: 'config' | 'data' | 'transient' | 'locked' };

export interface ConnectorDefinition<Config = Record<string, unknown>, Conn extends Connection = Connection> {
  name: string;
  description: string;
  /** JSON Schema of one entry in connections.yaml (without the `connector` property). */
  configSchema: JsonSchema;
  /** Every resource, by the name pipelines use; each opens its own source/target on `Conn`. */
  resources: Record<string, ResourceDefinition<Conn>>;
  /**
   * Open a connection. `config` is validated and its `${env:}`/`${file:}` references resolved.
   * Must not do network I/O that a `validate` would not expect; authenticate lazily.
   */
  open(config: Config, context: ConnectorContext): Promise<Conn>;
}
