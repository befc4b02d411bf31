/**
 * The engine's error vocabulary: every code the engine raises, with the reason class an attention
 * entry carrying it gets. Connectors keep their own catalogues (each prefixed with the connector's
 * name, e.g. SAP_B1_*, CONCUR_*) in their errors.ts; a test checks that every code literal under
 * engine/ is listed here.
 */

/** Why a record could not be synced, in the words finance and operators sort by. */
export const REASON_CLASSES = ['config', 'auth', 'data', 'transient', 'conflict', 'locked'] as const;
export type ReasonClass = (typeof REASON_CLASSES)[number];

export const ERROR_CODES = {
  // configuration and input files (exit 2); `sluice validate` reports them with file:line:col
  YAML_SYNTAX: 'config',
  JSONATA_SYNTAX: 'config',
  CONNECTIONS_MISSING: 'config',
  ENV_UNDEFINED: 'config',
  FILE_REF_MISSING: 'config',
  FILE_UNREADABLE: 'config',
  REF_INVALID: 'config',
  LOOKUP_UNKNOWN: 'config',
  FIXTURE_READ_ONLY: 'config',
  CONNECTION_UNKNOWN: 'config',
  // multi-ERP routing (target.connection is a route): validation, then per record
  ROUTE_FORM: 'config',
  ROUTE_CONNECTOR_MISMATCH: 'config',
  ROUTE_VALUE_UNLISTED: 'config',
  ROUTE_UNMAPPED: 'config',
  ROUTE_FAILED: 'data',
  ROUTE_KEY_INVALID: 'config',
  ROUTE_CHANGED: 'conflict',
  RESOURCE_UNKNOWN: 'config',
  MODE_UNSUPPORTED: 'config',
  DELETES_WITHOUT_MIRROR: 'config',
  DELETE_UNSUPPORTED: 'config',
  BATCH_TOO_LARGE: 'config',
  INCREMENTAL_UNSUPPORTED: 'config',
  CORRECTIONS_UNSUPPORTED: 'config',
  PIPELINE_INVALID: 'config',
  PIPELINE_MISSING: 'config',
  CONNECTION_INVALID: 'config',
  ROLE_UNSUPPORTED: 'config',
  KEY_EXPRESSION_UNSUPPORTED: 'config',
  STATE_URL_INVALID: 'config',
  STATE_STORE_UNAVAILABLE: 'transient',
  STATE_STORE_LOCKED: 'transient',
  STATE_STORE_MIGRATION_FAILED: 'transient',
  STATE_STORE_TOO_NEW: 'config',
  SECRET_KEY_MISSING: 'config',
  SECRET_KEY_WEAK: 'config',
  CREDENTIAL_CORRUPT: 'config',
  CREDENTIAL_KEY_MISMATCH: 'config',
  LEASE_TTL_INVALID: 'config',
  STATE_COPY_INVALID: 'config',
  LOG_RETENTION_INVALID: 'config',
  // operator commands (attention, resync, log, runs): a bad argument exits 2
  PIPELINE_UNKNOWN: 'config',
  ATTENTION_UNKNOWN: 'config',
  RESOLUTION_REASON_MISSING: 'config',
  RESYNC_SCOPE_INVALID: 'config',
  REASON_CLASS_UNKNOWN: 'config',
  RESYNC_NEEDS_FILE: 'config',
  LOG_QUERY_INVALID: 'config',
  RUN_UNKNOWN: 'config',
  ALERT_WEBHOOK_LITERAL: 'config',
  ALERT_WINDOW_INVALID: 'config',
  // users, page sessions and four-eyes plan approval (engine/ops/users.ts, approvals.ts)
  USER_INVALID: 'config',
  USER_EXISTS: 'config',
  USER_UNKNOWN: 'config',
  PASSWORD_WEAK: 'config',
  PLAN_APPROVAL_UNKNOWN: 'config',
  PLAN_APPROVAL_DECIDED: 'conflict',
  PLAN_APPROVER_IS_AUTHOR: 'config',
  PLAN_NOT_APPROVED: 'config',
  PLAN_COMMENT_MISSING: 'config',
  PLAN_NOT_SAVED: 'config',
  // validation diagnostics about the files themselves (sluice validate; plan, run and test refuse with exit 2)
  FILE_TOO_LARGE: 'config',
  FILE_INVALID_UTF8: 'config',
  FILE_REF_NOT_FILE: 'config',
  YAML_KEY_INVALID: 'config',
  YAML_TOO_DEEP: 'config',
  YAML_ALIAS_LIMIT: 'config',
  YAML_ALIAS_UNRESOLVED: 'config',
  YAML_ALIAS_CYCLE: 'config',
  SOURCE_KEY_EMPTY: 'config',
  INCREMENTAL_FIELD_EMPTY: 'config',
  INCREMENTAL_INITIAL_INVALID: 'config',
  INCREMENTAL_LOOKBACK_INVALID: 'config',
  // JSONata files: transform files and function libraries (`functions:`), and library tests
  LIBRARY_INVALID: 'config',
  FUNCTION_CLASH: 'config',
  FUNCTION_UNKNOWN: 'config',
  // saved plans (exit 2: apply refuses, nothing is written)
  PLAN_MISSING: 'config',
  PLAN_UNREADABLE: 'config',
  PLAN_INVALID: 'config',
  PLAN_UNSEALED: 'config',
  PLAN_KEY_MISMATCH: 'config',
  PLAN_TAMPERED: 'config',
  PLAN_OPS_MISMATCH: 'config',
  PLAN_SUMMARY_MISMATCH: 'config',
  PLAN_STALE: 'conflict',
  // runs
  LEASE_HELD: 'transient',
  LEASE_LOST: 'transient',
  INTERRUPTED: 'transient',
  RECORD_FAILED: 'data',
  INTERNAL: 'transient',
  // records: reading, transforming, keying, checking
  SOURCE_ROW_INVALID: 'data',
  RECORD_NOT_FINITE: 'data',
  RECORD_TOO_DEEP: 'data',
  TRANSFORM_FAILED: 'data',
  TRANSFORM_SHAPE: 'data',
  THREADS_INVALID: 'config',
  KEY_FAILED: 'data',
  KEY_MISSING: 'data',
  KEY_TOO_LONG: 'data',
  CHECK_FAILED: 'data',
  PREPARE_FAILED: 'transient',
  DUPLICATE_KEY: 'conflict',
  TARGET_LOCKED: 'locked',
  LEDGER_TARGET_MISSING: 'locked',
  MIRROR_GUARD: 'conflict',
  // writes
  NO_OUTCOME: 'transient',
  WRITE_IN_DOUBT: 'transient',
  WRITE_FAILED: 'transient',
  CONFIRM_FAILED: 'transient',
  NETWORK_ERROR: 'transient',
  AUTH_FAILED: 'auth',
  // emulators (engine/emulator-kit): test tooling, never raised in a run
  EMULATOR_CLOSED: 'transient',
  EMULATOR_FAULT_INVALID: 'config',
} as const satisfies Record<string, ReasonClass>;

export type ErrorCode = keyof typeof ERROR_CODES;

const CODE_PATTERNS: readonly [RegExp, ReasonClass][] = [
  [/AUTH|OAUTH|CREDENTIAL|LOGIN|FORBIDDEN|UNAUTHORI[SZ]ED/, 'auth'],
  [/LOCKED|POSTED|IMMUTABLE/, 'locked'],
  [/DUPLICATE|CONFLICT|ETAG|STALE/, 'conflict'],
  [/TIMEOUT|UNAVAILABLE|RATE_LIMIT|BUSY|DEADLOCK|NETWORK|SERVER_ERROR|IN_DOUBT|NOT_CONFIRMED/, 'transient'],
  [/CONFIG|INVALID_OPTION|NOT_SUPPORTED|UNSUPPORTED|UNKNOWN_RESOURCE/, 'config'],
];

/**
 * The reason class of an error code: the engine's catalogue first, then the connector code's shape
 * (…_LOCKED, …_RATE_LIMITED, …), then `retryable` (transient) or else `data`.
 */
export function reasonClassOf(code: string, retryable = false): ReasonClass {
  const known = (ERROR_CODES as Record<string, ReasonClass>)[code];
  if (known) return known;
  for (const [pattern, reason] of CODE_PATTERNS) if (pattern.test(code)) return reason;
  return retryable ? 'transient' : 'data';
}
