/**
 * Errors are data: one base class with a stable `code` (engine codes in error-codes.ts, connector
 * codes in each connector's errors.ts), whether a retry can help (and after how long), whether a
 * write may have been applied, the cause, and where it happened (a file location or a record key).
 * Every error class of the engine is here.
 */
import type { Diagnostic } from './config/diagnostics.js';
import { reasonClassOf, type ReasonClass } from './error-codes.js';

export { ERROR_CODES, REASON_CLASSES, reasonClassOf, type ErrorCode, type ReasonClass } from './error-codes.js';

export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/**
 * What a failed write did to the target, as far as the connector can tell:
 * - `not-applied`: certainly nothing (refused before processing: 400, 401, 409, 429, connection refused);
 * - `unknown`: it may have been applied, now or later (timeout or reset after the request was sent,
 *   5xx, a 504 from a proxy while the server carries on, an unreadable answer). The write is in doubt.
 * Unset: `retryable` errors are taken as `unknown` for creates, the others as `not-applied`.
 */
export const WRITE_OUTCOMES = ['not-applied', 'unknown'] as const;
export type WriteOutcomeKnowledge = (typeof WRITE_OUTCOMES)[number];

export interface SluiceErrorOptions {
  retryable?: boolean;
  /** Milliseconds to wait before a retry, when the remote side said so (Retry-After). */
  retryAfterMs?: number;
  cause?: unknown;
  location?: SourceLocation;
  recordKey?: string;
  /** HTTP status or remote error code, for reports. */
  status?: number;
  remoteCode?: string;
  details?: Record<string, unknown>;
  /** For write errors: whether the target may have applied the write anyway. */
  writeOutcome?: WriteOutcomeKnowledge;
  /** Overrides the reason class derived from the code (`$error()` in a transform may set it). */
  reasonClass?: ReasonClass;
}

export class SluiceError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly location: SourceLocation | undefined;
  readonly recordKey: string | undefined;
  readonly status: number | undefined;
  readonly remoteCode: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly writeOutcome: WriteOutcomeKnowledge | undefined;
  private readonly explicitReason: ReasonClass | undefined;

  constructor(code: string, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.location = options.location;
    this.recordKey = options.recordKey;
    this.status = options.status;
    this.remoteCode = options.remoteCode;
    this.details = options.details;
    this.writeOutcome = options.writeOutcome;
    this.explicitReason = options.reasonClass;
  }

  /** config | auth | data | transient | conflict | locked: how an attention entry for it is classed. */
  get reasonClass(): ReasonClass {
    return this.explicitReason ?? reasonClassOf(this.code, this.retryable);
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      reasonClass: this.reasonClass,
      ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }),
      ...(this.location && { location: this.location }),
      ...(this.recordKey !== undefined && { recordKey: this.recordKey }),
      ...(this.status !== undefined && { status: this.status }),
      ...(this.remoteCode !== undefined && { remoteCode: this.remoteCode }),
      ...(this.writeOutcome !== undefined && { writeOutcome: this.writeOutcome }),
    };
  }
}

/** Invalid configuration or input file; exit code 2. */
export class ConfigError extends SluiceError {}

/** A remote system refused or failed a call. `retryable` says whether trying again can help. */
export class ConnectorError extends SluiceError {}

/** Credentials were rejected and a refresh or re-login did not help. Never retryable. */
export class AuthError extends ConnectorError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super('AUTH_FAILED', message, { ...options, retryable: false, writeOutcome: 'not-applied' });
  }
}

/** A single record could not be processed; it goes to attention, the run goes on. */
export class RecordError extends SluiceError {}

/** A record failed while `on_error: fail` is set: the run stops. */
export class RecordFailure extends SluiceError {}

/** The pipeline file (or its connections, mappings, functions) has problems; exit 2. */
export class InvalidPipelineError extends ConfigError {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(
      'PIPELINE_INVALID',
      `the pipeline is invalid (${diagnostics.filter((d) => d.severity === 'error').length} problem(s)); run sluice validate for details`,
    );
  }
}

/** A saved plan that apply refuses (unreadable, not sealed, tampered with, inconsistent or stale); exit 2. */
export class PlanRefusedError extends ConfigError {}

export interface LeaseHolderInfo {
  holder: string;
  host: string | null;
  pid: number | null;
  acquiredAt: string;
  expiresAt: string;
}

/** Another run holds the pipeline's lease. */
export class LeaseHeldError extends SluiceError {
  constructor(
    pipeline: string,
    readonly held: LeaseHolderInfo,
  ) {
    super(
      'LEASE_HELD',
      `pipeline "${pipeline}" is being run by ${held.holder} (host ${held.host ?? '?'}, pid ${held.pid ?? '?'}, since ${held.acquiredAt}, lease until ${held.expiresAt}); ` +
        'wait for it, or break the lease with --force if that run is dead (this is audited)',
      { retryable: true },
    );
  }
}

/** This run no longer holds its lease (renewal failed, or another run broke it with --force): it writes nothing more. */
export class LeaseLostError extends SluiceError {
  constructor(pipeline: string, runId: string, detail: string) {
    super(
      'LEASE_LOST',
      `run ${runId} lost the lease of pipeline "${pipeline}" (${detail}); it stopped before writing anything more`,
    );
  }
}

/**
 * Who holds a state-store lock, as far as the database shows it: on MySQL/MariaDB the connection
 * holding the named migration lock (user, client host and what it runs come from the processlist,
 * visible only with the PROCESS privilege or as the same user).
 */
export interface StoreLockHolder {
  lock: string;
  connectionId?: number;
  user?: string;
  host?: string;
  /** Seconds the connection has been in its current state. */
  seconds?: number;
  command?: string;
  state?: string;
  info?: string;
  /** Whether the processlist showed the connection. */
  visible: boolean;
}

/** The state store's migration lock (or SQLite's write lock) was not granted in time. */
export class StateStoreLockedError extends SluiceError {
  constructor(
    message: string,
    readonly holder: StoreLockHolder | undefined,
    options: SluiceErrorOptions = {},
  ) {
    super('STATE_STORE_LOCKED', message, {
      retryable: true,
      ...options,
      ...(holder && { details: { ...options.details, holder } }),
    });
  }
}

/** A signal (SIGTERM, SIGINT) stopped the run at a batch boundary. */
export class InterruptedError extends SluiceError {
  constructor(readonly signal: string) {
    super('INTERRUPTED', `stopped by ${signal} at a batch boundary; what was acknowledged is committed`);
  }
}

/** Anything that is not a SluiceError is wrapped so callers can rely on `code` and `retryable`. */
export function asSluiceError(err: unknown, code = 'INTERNAL'): SluiceError {
  if (err instanceof SluiceError) return err;
  if (err instanceof Error) return new SluiceError(code, err.message, { cause: err });
  return new SluiceError(code, String(err));
}

/**
 * Whether a failed create may nevertheless have been applied by the target (so it is in doubt and
 * must not be sent again before the target was searched after the request could no longer commit).
 */
export function mayHaveApplied(err: SluiceError): boolean {
  if (err.writeOutcome !== undefined) return err.writeOutcome === 'unknown';
  return err.retryable;
}

/**
 * The same error saying what the target did with the write (a copy: errors are immutable), of the
 * same kind for record errors, a ConnectorError otherwise; `note` is appended to the message.
 */
export function withWriteOutcome(err: SluiceError, writeOutcome: WriteOutcomeKnowledge, note?: string): SluiceError {
  if (err.writeOutcome === writeOutcome && note === undefined) return err;
  const Kind = err instanceof RecordError ? RecordError : ConnectorError;
  return new Kind(err.code, note ? `${err.message}; ${note}` : err.message, {
    retryable: err.retryable,
    ...(err.retryAfterMs !== undefined && { retryAfterMs: err.retryAfterMs }),
    ...(err.location && { location: err.location }),
    ...(err.recordKey !== undefined && { recordKey: err.recordKey }),
    ...(err.status !== undefined && { status: err.status }),
    ...(err.remoteCode !== undefined && { remoteCode: err.remoteCode }),
    ...(err.details && { details: err.details }),
    reasonClass: err.reasonClass,
    writeOutcome,
    cause: err.cause ?? err,
  });
}

/** Walk the cause chain into one line, for attention entries and logs. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    if (
      cur instanceof Error ||
      (typeof cur === 'object' && typeof (cur as { message?: unknown }).message === 'string')
    ) {
      parts.push((cur as Error).message);
      cur = (cur as Error & { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return [...new Set(parts)].join(': ');
}
