/**
 * URL templates: `{Field}` or `{a.b}` is a field of the record, `{$key}` the dedupe key, `{$id}`
 * the API's id of the record; every value is percent-encoded as one path segment or query value.
 */
import type { DataRecord } from '../../engine/connector/types.js';
import { RecordError } from '../../engine/errors.js';
import { HTTP_ERRORS } from './errors.js';

const PLACEHOLDER = /\{(\$?[A-Za-z_][\w.-]*)\}/g;

export interface TemplateValues {
  key?: string;
  id?: string;
  record?: DataRecord;
}

function field(record: DataRecord | undefined, path: string): unknown {
  let cur: unknown = record;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function expand(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const v = name === '$key' ? values.key : name === '$id' ? values.id : field(values.record, name);
    if (v === undefined || v === null || v === '' || typeof v === 'object') {
      throw new RecordError(
        HTTP_ERRORS.template,
        `URL template "${template}": {${name}} has no value for this record; give the record that field or change the template`,
        { ...(values.key !== undefined && { recordKey: values.key }), writeOutcome: 'not-applied' },
      );
    }
    return encodeURIComponent(String(v as string | number | boolean));
  });
}

/** The placeholders of a template, for validation. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}
