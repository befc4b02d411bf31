/**
 * Alert declarations (`alerts:` in a pipeline file or the connections file): each names a webhook,
 * written as a `${env:}` / `${file:}` reference because webhook URLs carry tokens, and the
 * conditions that notify it. Checked when the file is loaded; resolved only when a notification is sent.
 */
import { createHash } from 'node:crypto';
import { parseDurationMs } from '../runtime/duration.js';
import type { Diagnostic } from './diagnostics.js';
import type { Alert } from './pipeline.generated.js';
import { checkRefs, isOnlyRefs } from './refs.js';
import type { YamlFile, YamlPath } from './yaml-file.js';

/** An alert as the engine uses it: where it was declared, its stable id, its conditions with defaults. */
export interface AlertRule {
  /** Stable across runs, processes and machines: a hash of where it is declared (pipeline or connections file) and its raw text. */
  id: string;
  /** The rule's name, else `<file>#<index>` (never the URL). */
  label: string;
  /** The webhook reference, unresolved. */
  webhook: string;
  /** Directory `${file:}` references resolve against. */
  baseDir: string;
  format: 'json' | 'slack';
  failed: boolean;
  attentionAbove: number | undefined;
  noSuccessWithinMs: number | undefined;
}

export function alertDiagnostics(
  file: YamlFile,
  alerts: unknown,
  path: YamlPath,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): Diagnostic[] {
  if (!Array.isArray(alerts)) return []; // the schema reports it
  const out: Diagnostic[] = [];
  const at = (p: YamlPath, code: string, message: string, offset?: number): void => {
    const pos = offset === undefined ? file.locate(p) : file.locateInString(p, offset);
    out.push({ file: file.path, line: pos.line, col: pos.col, code, message, severity: 'error' });
  };
  alerts.forEach((raw: unknown, i) => {
    if (!raw || typeof raw !== 'object') return;
    const a = raw as Record<string, unknown>;
    if (typeof a.webhook === 'string' && a.webhook.trim() !== '') {
      if (!isOnlyRefs(a.webhook)) {
        at(
          [...path, i, 'webhook'],
          'ALERT_WEBHOOK_LITERAL',
          'a webhook URL carries its token: write it as ${env:NAME} or ${file:path}, not literally (and rotate an exposed one)',
        );
      }
      for (const p of checkRefs(a.webhook, baseDir, env)) at([...path, i, 'webhook'], p.code, p.message, p.ref.index);
    }
    const when = a.when as Record<string, unknown> | undefined;
    const window = when?.noSuccessWithin;
    if (typeof window === 'string') {
      const ms = parseDurationMs(window);
      if (ms === undefined || ms <= 0)
        at(
          [...path, i, 'when', 'noSuccessWithin'],
          'ALERT_WINDOW_INVALID',
          `"${window}" is not a positive duration: use PT26H, 26h, 90m or milliseconds`,
        );
    }
  });
  return out;
}

/** The rules of a (valid) `alerts:` list, declared in the pipeline file or the connections file at `filePath`. */
export function alertRules(
  alerts: readonly Alert[] | undefined,
  origin: 'pipeline' | 'connections',
  filePath: string,
  baseDir: string,
): AlertRule[] {
  return (alerts ?? []).map((a, i) => {
    const when = a.when ?? { failed: true };
    const id = createHash('sha256')
      .update(JSON.stringify([origin, a.webhook, a.format ?? 'json', when]))
      .digest('hex')
      .slice(0, 32);
    return {
      id,
      label: a.name ?? `${filePath.split('/').pop() ?? filePath}#${i + 1}`,
      webhook: a.webhook,
      baseDir,
      format: a.format ?? 'json',
      failed: when.failed ?? true,
      attentionAbove: when.attentionAbove,
      noSuccessWithinMs: when.noSuccessWithin !== undefined ? parseDurationMs(when.noSuccessWithin) : undefined,
    };
  });
}
