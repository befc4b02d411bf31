/**
 * What a webhook receives: a JSON object whose `text` reads well in Slack (and any chat that takes
 * Slack's incoming-webhook shape), with the alert's details beside it for a generic receiver. The
 * `slack` format sends `text` alone.
 */
import type { AlertCondition } from '../state/alert-state.js';

export interface AlertEvent {
  pipeline: string;
  condition: AlertCondition;
  /** `firing` when the condition starts, `resolved` when it ends. */
  state: 'firing' | 'resolved';
  /** The alert rule's name (never its URL). */
  alert: string;
  at: string;
  run?: { id: string; status: string; error?: { code: string; message: string } };
  attention?: { count: number; above: number; byClass: Record<string, number> };
  lastSuccessAt?: string | null;
  windowMs?: number;
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 1 ? `${Number(h.toFixed(1))}h` : `${Math.round(ms / 60_000)}m`;
}

export function alertText(e: AlertEvent): string {
  const p = `sluice ${e.pipeline}`;
  if (e.condition === 'failed') {
    return e.state === 'firing'
      ? `:red_circle: ${p}: run ${e.run?.id ?? '?'} failed${e.run?.error ? ` (${e.run.error.code}: ${e.run.error.message})` : ''}`
      : `:large_green_circle: ${p}: runs succeed again (run ${e.run?.id ?? '?'}: ${e.run?.status ?? '?'})`;
  }
  if (e.condition === 'attention') {
    const classes = Object.entries(e.attention?.byClass ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    return e.state === 'firing'
      ? `:warning: ${p}: ${e.attention?.count ?? '?'} record(s) need attention (more than ${e.attention?.above ?? '?'})${classes ? `: ${classes}` : ''}; see sluice attention list ${e.pipeline}`
      : `:large_green_circle: ${p}: attention back to ${e.attention?.count ?? '?'} record(s)`;
  }
  const window = e.windowMs !== undefined ? hours(e.windowMs) : '?';
  return e.state === 'firing'
    ? `:hourglass: ${p}: no successful run within ${window} (last: ${e.lastSuccessAt ?? 'never'})`
    : `:large_green_circle: ${p}: a run succeeded again (${e.lastSuccessAt ?? '?'})`;
}

export function alertPayload(e: AlertEvent, format: 'json' | 'slack'): Record<string, unknown> {
  const text = alertText(e);
  return format === 'slack' ? { text } : { text, ...e };
}
