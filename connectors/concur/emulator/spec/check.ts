/**
 * Checks logged emulator exchanges (what a client sent, what the emulator answered) against the
 * official specs. Used by the emulator's spec test and by the connector's, so neither side can
 * drift into a shared misunderstanding.
 */
import type { LoggedRequest } from '../request-log.js';
import { SCIM_ERROR, SPEC_MAP, UNSPECIFIED } from './spec-map.js';
import type { SchemaRef } from './validator.js';
import { SpecRegistry } from './validator.js';

export interface ExchangeProblem {
  exchange: string;
  side: 'request' | 'response' | 'route';
  problems: string[];
}

function responseRef(route: string, status: number, family: string): { file: string; ref: SchemaRef } | undefined {
  const spec = SPEC_MAP[route];
  if (!spec) return undefined;
  const ref = spec.responses[status] ?? (status >= 400 ? spec.responses.error : undefined);
  if (ref) return { file: spec.file, ref };
  if (status >= 400 && family === 'scim') return SCIM_ERROR;
  return undefined;
}

export function checkExchanges(
  entries: readonly LoggedRequest[],
  registry: SpecRegistry = new SpecRegistry(),
): ExchangeProblem[] {
  const out: ExchangeProblem[] = [];
  for (const e of entries) {
    const name = `#${e.seq} ${e.method} ${e.path}${e.query ? `?${e.query}` : ''} -> ${e.status}`;
    if (!e.route) continue;
    if (UNSPECIFIED[e.route]) continue;
    const spec = SPEC_MAP[e.route];
    if (!spec) {
      out.push({ exchange: name, side: 'route', problems: [`route ${e.route} has no entry in SPEC_MAP`] });
      continue;
    }
    if (spec.request && e.requestBody !== undefined) {
      const problems = registry.check(spec.requestFile ?? spec.file, spec.request, e.requestBody);
      if (problems.length > 0) out.push({ exchange: name, side: 'request', problems });
    }
    if (e.dropped || e.responseBody === undefined) continue;
    const target = responseRef(e.route, e.status, e.family);
    if (!target) {
      if (e.status < 400)
        out.push({ exchange: name, side: 'route', problems: [`no response schema for status ${e.status}`] });
      continue;
    }
    const problems = registry.check(target.file, target.ref, e.responseBody);
    if (problems.length > 0) out.push({ exchange: name, side: 'response', problems });
  }
  return out;
}
