/* Generated from schemas/pipeline.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run gen`. */

/**
 * Pipeline file format version.
 */
export type FormatVersion = 1;
/**
 * Unique name; the state store keys ledger, cursor and attention by it. Renaming a pipeline starts it from scratch.
 */
export type PipelineName = string;
export type Description = string;
/**
 * Five fields (minute hour day month weekday).
 */
export type CronExpression = string;
/**
 * IANA time zone of the cron expression.
 */
export type TimeZone = string;
/**
 * How logs and notifications name this webhook (its URL is a secret and never logged).
 */
export type Name = string;
/**
 * Where the JSON is POSTed, as a reference: `${env:NAME}` or `${file:path}` (webhook URLs carry tokens; a literal URL is an error).
 */
export type WebhookURL = string;
/**
 * `json`: a JSON object with `text` (Slack-compatible) and the alert's details; `slack`: only `text`, for Slack incoming webhooks that accept nothing else.
 */
export type PayloadFormat = 'json' | 'slack';
/**
 * The last run failed (not interrupted, not refused because another run held the lease).
 */
export type FailedRun = boolean;
/**
 * More than this many records of the pipeline need attention (open or marked for re-sync).
 */
export type AttentionAbove = number;
/**
 * No run succeeded (with or without attention) within this long: ISO-8601 (PT26H) or 90s / 30m / 26h.
 */
export type NoSuccessWithin = string;
/**
 * Webhooks notified about this pipeline's runs (in addition to those of the connections file).
 */
export type Alerts = Alert[];
/**
 * A connection name from connections.yaml.
 */
export type Connection = string;
/**
 * A source resource of the connection's connector.
 */
export type Resource = string;
/**
 * Field that identifies a source record in attention entries and confirmations. Default: the resource's key field.
 */
export type SourceRecordKey = string;
export type CursorField = string;
/**
 * ISO-8601 duration subtracted from a date cursor before each read, to catch late-arriving changes.
 */
export type Lookback = string;
/**
 * Cursor value for the very first run.
 */
export type InitialCursor = string;
/**
 * Preferred records per source page.
 */
export type PageSize = number;
export type Resource1 = string;
/**
 * Field name (or JSONata expression over a lookup record) that `$lookup(name, key)` matches.
 */
export type LookupKey = string;
/**
 * JSONata files (paths relative to this pipeline file) whose functions the transform can call: each library's value is an object of functions, `{ "postJournalEntry": function($doc) { … } }`, and the transform calls them as `$postJournalEntry(…)`. A library is evaluated once per run; its functions may call each other (not those of another library) and `$lookup`, and only the keys of its value are bound; a name defined by two libraries, or by a library and JSONata itself, is a validation error. A library is tested on its own by the `<library>.test.yaml` beside it.
 */
export type FunctionLibraries = string[];
/**
 * JSONata expression evaluated once per source record (the record is the input), written inline or kept in a file (`{ file: x.jsonata }`, relative to this pipeline file). It returns the target record, an array of target records, or nothing to skip the record. `$lookup(name, key)` reads a lookup; `$error(message)` sends the record to attention with that message; the functions of the `functions` libraries are bound by name.
 */
export type Transform = InlineExpression | ExpressionFile;
export type InlineExpression = string;
/**
 * Path of a JSONata file, relative to this pipeline file.
 */
export type JSONataFile = string;
/**
 * A connection name from connections.yaml, or a route that chooses the connection per record (multi-ERP routing: region EU to one SAP Business One company, US to another). Every connection a route can produce is of the same connector and offers the target resource; `sluice validate` checks them all.
 */
export type TargetConnection = string | ConnectionRoute;
/**
 * JSONata over the target record (`$source`: the source record), e.g. `region` or `$source.Company`. A field path reads that field.
 */
export type RouteExpression = string;
/**
 * The connections the route expression may yield (by name). String literals the expression returns are checked against this list by `sluice validate`.
 *
 * @minItems 1
 */
export type RouteConnections = [string, ...string[]];
/**
 * A target resource of the connection's connector.
 */
export type Resource2 = string;
/**
 * create: only new records are written (existing ones are noop, or locked when they differ). upsert: create or update. mirror: upsert, and records this pipeline created that left the source are deleted or deactivated.
 */
export type WriteMode = 'create' | 'upsert' | 'mirror';
/**
 * Field of the target record (or a JSONata expression over it) that identifies it across runs. A record is written once per key, ever.
 */
export type DedupeKey = string;
export type Action = 'delete' | 'deactivate';
/**
 * Refuse all deletes of a run when they exceed this share of the records the pipeline created.
 */
export type MaxPercent = number;
/**
 * Refuse all deletes of a run when there are more than this many.
 */
export type MaxCount = number;
/**
 * Up to this many deletes in a run are allowed whatever share of the records they are, so a small list (5 items: one delete is 20 %) is not blocked by maxPercent. maxCount still applies.
 */
export type MinCount = number;
/**
 * Which target records mirror deletes may touch: created (default) only those this pipeline created; managed also those it adopted (found in the target already matching the source, e.g. after moving from another tool, or carried over by sluice state copy). Records the pipeline never wrote or adopted are never touched.
 */
export type Scope = 'created' | 'managed';
/**
 * What happens when the source changes a record the target holds as posted (immutable), e.g. a Concur report recalled, changed and approved again after it was posted. lock: it is not changed; it goes to attention (reason class locked). reverse-and-repost: the posted record is reversed (for SAP Business One: cancelled, which posts the sign-swapped reversal) and the new version posted, both linked in the ledger, each exactly once under the same fault rules as any create. Needs a target resource that can reverse.
 */
export type CorrectionsOfPostedRecords = 'lock' | 'reverse-and-repost';
/**
 * Records per write call; default and maximum: the resource's bulk size.
 */
export type BatchSize = number;
/**
 * A source record that is the same as when it was last synced (same content, same pipeline file, same connections, same lookup contents) is a noop without evaluating the transform again; mirror mode still checks that the target record did not drift. Transforms that call $now(), $millis() or $random() are never skipped. false re-evaluates every record every run (as `sluice run --full` does for one run).
 */
export type SkipUnchangedSourceRecords = boolean;
/**
 * attention: a record that fails (transform, check, write) is parked in attention with its reason and the run goes on. fail: the first such record stops the run (records already written stay written).
 */
export type OnRecordError = 'attention' | 'fail';
/**
 * required: sluice run and the scheduler do not apply this pipeline's changes; they save a sealed plan that a second person (an approver who is not its author) approves on the finance page or with sluice plans approve before it is applied (four-eyes). none: runs apply at once.
 */
export type Approval = 'none' | 'required';

/**
 * One sluice pipeline: a source read, a JSONata transform per record, a target write keyed by a dedupe key. Connector-specific `options` are checked against the connector's own schema (see pipeline.bundle.schema.json).
 */
export interface PipelineFile {
  version: FormatVersion;
  name: PipelineName;
  description?: Description;
  schedule?: Schedule;
  alerts?: Alerts;
  source: Source;
  lookups?: Lookups;
  functions?: FunctionLibraries;
  transform: Transform;
  target: Target;
  skip_unchanged?: SkipUnchangedSourceRecords;
  on_error?: OnRecordError;
  approval?: Approval;
}
/**
 * When the pipeline runs: `sluice schedule --serve <dir>` runs it on this cron in this time zone, `sluice k8s <dir>` writes a Kubernetes CronJob for it, and `sluice schedule <pipeline>` prints the next run times (for cron or CI).
 */
export interface Schedule {
  cron: CronExpression;
  timezone?: TimeZone;
}
/**
 * A webhook notified when a condition of a pipeline's runs starts and when it stops (at most once per change; the state is kept in the state store, so several schedulers send one notification).
 */
export interface Alert {
  name?: Name;
  webhook: WebhookURL;
  format?: PayloadFormat;
  when?: Conditions;
}
/**
 * Which conditions notify this webhook.
 */
export interface Conditions {
  failed?: FailedRun;
  attentionAbove?: AttentionAbove;
  noSuccessWithin?: NoSuccessWithin;
}
export interface Source {
  connection: Connection;
  resource: Resource;
  options?: ResourceOptions;
  key?: SourceRecordKey;
  incremental?: IncrementalRead;
  pageSize?: PageSize;
}
/**
 * Options of the connector resource; each connector publishes their schema.
 */
export interface ResourceOptions {}
/**
 * Read only records whose `field` is at or after the stored cursor (minus `lookback`). The cursor only moves past records that were written or parked in attention.
 */
export interface IncrementalRead {
  field: CursorField;
  lookback?: Lookback;
  initial?: InitialCursor;
}
/**
 * Reference data read once per run and cached; use `$lookup('name', key)` in the transform.
 */
export interface Lookups {
  [k: string]: Lookup;
}
export interface Lookup {
  connection: Connection;
  resource: Resource1;
  options?: ResourceOptions;
  key: LookupKey;
}
export interface ExpressionFile {
  file: JSONataFile;
}
export interface Target {
  connection: TargetConnection;
  resource: Resource2;
  options?: ResourceOptions;
  mode?: WriteMode;
  key?: DedupeKey;
  deletes?: MirrorDeletes;
  corrections?: CorrectionsOfPostedRecords;
  batchSize?: BatchSize;
}
/**
 * Chooses the target connection of each record. `route` is a JSONata expression over the target record (the transform's output; the source record is `$source`). With `map`, its value is looked up in the map (region → connection); with `to`, it yields the connection name itself, which must be one of the listed connections. Exactly one of `map` and `to`. A record whose route fails or yields nothing goes to attention (ROUTE_FAILED, reason class data); one that yields a value the route does not list goes to attention (ROUTE_UNMAPPED, reason class config). Ledger, in-doubt settlement and target look-ups are per connection: the same dedupe key in two connections is two records (from two source records); a posted record whose route moves it to another connection is not posted there but goes to attention (ROUTE_CHANGED, reason class conflict).
 */
export interface ConnectionRoute {
  route: RouteExpression;
  map?: RouteMap;
  to?: RouteConnections;
}
/**
 * Route value → connection name, e.g. `{ EU: sap-b1-eu, US: sap-b1-us }`.
 */
export interface RouteMap {
  [k: string]: string;
}
export interface MirrorDeletes {
  action?: Action;
  maxPercent?: MaxPercent;
  maxCount?: MaxCount;
  minCount?: MinCount;
  scope?: Scope;
}
