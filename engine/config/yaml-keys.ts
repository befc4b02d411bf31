/**
 * Mapping keys: each key at most once per mapping, and only scalars (a configuration object has
 * string keys; a `? [a, b]` key would be silently stringified). Keys are compared as the property
 * names they become (`1` and `"1"`, `~` and `""` are the same property: the second would silently
 * replace the first). One pass with a map per mapping, so a mapping with many keys costs linear time
 * (the yaml library's own `uniqueKeys` check is quadratic).
 */
import type { Document, Node } from 'yaml';
import { yaml } from './yaml-lib.js';

const { isMap, isNode, isScalar, visit } = yaml;

export interface KeyProblem {
  offset: number;
  code: 'YAML_SYNTAX' | 'YAML_KEY_INVALID';
  message: string;
}

/** The property name a scalar key becomes in the converted data (as the yaml library's toJS makes it). */
export function propertyName(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function describeKey(name: string): string {
  return JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);
}

export function keyProblems(doc: Document.Parsed, positionOf: (offset: number) => string): KeyProblem[] {
  const out: KeyProblem[] = [];
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Map<string, Node>();
      for (const pair of map.items) {
        const key: unknown = pair.key;
        if (key === null || key === undefined) continue;
        if (!isScalar(key)) {
          if (isNode(key) && key.range) {
            out.push({
              offset: key.range[0],
              code: 'YAML_KEY_INVALID',
              message: 'a mapping key must be a plain value (a name), not a list or a mapping',
            });
          }
          continue;
        }
        const name = propertyName(key.value);
        const first = seen.get(name);
        if (first) {
          out.push({
            offset: key.range?.[0] ?? 0,
            code: 'YAML_SYNTAX',
            message: `duplicate key ${describeKey(name)} (first at ${positionOf(first.range?.[0] ?? 0)}); map keys must be unique`,
          });
        } else seen.set(name, key);
      }
    },
  });
  return out;
}
