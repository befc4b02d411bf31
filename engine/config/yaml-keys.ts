/**
 * Mapping keys: each key at most once per mapping, and only scalars (a configuration object has
 * string keys; a `? [a, b]` key would be silently stringified). One pass with a set per mapping, so a
 * mapping with many keys costs linear time (the yaml library's own `uniqueKeys` check is quadratic).
 */
import { isMap, isNode, isScalar, visit, type Document, type Node } from 'yaml';

export interface KeyProblem {
  offset: number;
  code: 'YAML_SYNTAX' | 'YAML_KEY_INVALID';
  message: string;
}

function describeKey(value: unknown): string {
  const s = typeof value === 'string' ? value : String(value);
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}

export function keyProblems(doc: Document.Parsed, positionOf: (offset: number) => string): KeyProblem[] {
  const out: KeyProblem[] = [];
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Map<unknown, Node>();
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
        const first = seen.get(key.value);
        if (first) {
          out.push({
            offset: key.range?.[0] ?? 0,
            code: 'YAML_SYNTAX',
            message: `duplicate key ${describeKey(key.value)} (first at ${positionOf(first.range?.[0] ?? 0)}); map keys must be unique`,
          });
        } else seen.set(key.value, key);
      }
    },
  });
  return out;
}
