/** The batch file name template: `{date}` (UTC YYYYMMDD), `{time}` (UTC HHMMSS), `{run}` (one id per run). */
import { ConfigError } from '../../../engine/errors.js';
import { SFTP_ERRORS } from '../errors.js';

const PLACEHOLDERS = new Set(['date', 'time', 'run']);

/** Throws a ConfigError naming any placeholder the template does not know. */
export function checkTemplate(template: string): void {
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).filter((p) => !PLACEHOLDERS.has(p));
  if (unknown.length > 0)
    throw new ConfigError(
      SFTP_ERRORS.config,
      `sftp batch name "${template}": unknown placeholder(s) ${unknown.map((u) => `{${u}}`).join(', ')}; use {date}, {time} and {run}`,
    );
}

export function renderName(template: string, at: Date, run: string): string {
  const iso = at.toISOString();
  const values: Record<string, string> = {
    date: iso.slice(0, 10).replace(/-/g, ''),
    time: iso.slice(11, 19).replace(/:/g, ''),
    run,
  };
  return template.replace(/\{(date|time|run)\}/g, (_, p: string) => values[p]!);
}
