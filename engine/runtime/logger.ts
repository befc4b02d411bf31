/**
 * Logging: structured JSON lines on stderr when stderr is not a TTY, readable lines when it is.
 * Every line of a run carries `runId`; record-level lines carry `key`. Secrets are redacted by path.
 */
import { createRequire } from 'node:module';
import type { DestinationStream } from 'pino';

/**
 * pino is loaded only when a logger is created (commands that log nothing never load it), and
 * pino-pretty only when a human reads the logs (a TTY), not in cron/CI/Kubernetes runs.
 */
const requireLazy = createRequire(import.meta.url);

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Field names whose values never reach a log line, wherever they are nested. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'client_secret',
  '*.client_secret',
  'clientSecret',
  '*.clientSecret',
  'refresh_token',
  '*.refresh_token',
  'refreshToken',
  '*.refreshToken',
  'access_token',
  '*.access_token',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'cookie',
  '*.cookie',
  'token',
  '*.token',
  'webhook',
  '*.webhook',
];

export interface LoggerOptions {
  level?: LogLevel;
  /** Force the format; default: pretty on a TTY, JSON otherwise. */
  format?: 'json' | 'pretty';
  /** Destination stream (default: stderr). Tests pass their own. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const { pino } = requireLazy('pino') as typeof import('pino');
  const destination = options.destination ?? process.stderr;
  const isTty = (destination as NodeJS.WriteStream).isTTY === true;
  const format = options.format ?? (isTty ? 'pretty' : 'json');
  const base = {
    level: options.level ?? 'info',
    base: undefined,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (format === 'pretty') {
    const pretty = requireLazy('pino-pretty') as typeof import('pino-pretty');
    const stream = pretty({
      destination,
      sync: true,
      colorize: isTty,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
      singleLine: true,
    });
    return pino(base, stream) as unknown as Logger;
  }
  return pino(base, destination as DestinationStream) as unknown as Logger;
}

/** A logger that drops everything (library use, tests). */
export function silentLogger(): Logger {
  const drop = (): void => undefined;
  const logger: Logger = { debug: drop, info: drop, warn: drop, error: drop, child: () => logger };
  return logger;
}
