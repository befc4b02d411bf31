/**
 * Errors are data: one base class with a stable `code`, whether a retry can help (and after how
 * long), the cause, and where it happened (a file location or a record key).
 */

export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

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
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }),
      ...(this.location && { location: this.location }),
      ...(this.recordKey !== undefined && { recordKey: this.recordKey }),
      ...(this.status !== undefined && { status: this.status }),
      ...(this.remoteCode !== undefined && { remoteCode: this.remoteCode }),
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
    super('AUTH_FAILED', message, { ...options, retryable: false });
  }
}

/** A single record could not be processed; it goes to attention, the run goes on. */
export class RecordError extends SluiceError {}

/** Anything that is not a SluiceError is wrapped so callers can rely on `code` and `retryable`. */
export function asSluiceError(err: unknown, code = 'INTERNAL'): SluiceError {
  if (err instanceof SluiceError) return err;
  if (err instanceof Error) return new SluiceError(code, err.message, { cause: err });
  return new SluiceError(code, String(err));
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
