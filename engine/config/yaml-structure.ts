/**
 * The shape of a YAML document, checked before it is converted to data: nesting at most
 * MAX_YAML_DEPTH levels; every alias names an anchor defined before it, does not sit inside the
 * node it names (a cycle), and all aliases together expand to at most MAX_ALIAS_EXPANSION nodes
 * ("billion laughs" stops here, at the alias that crosses the bound). Linear in the document's size.
 */
import type { Document } from 'yaml';
import { yaml } from './yaml-lib.js';

const { isAlias, isMap, isPair, isScalar, isSeq } = yaml;

/** At most this many aliases in one file (each alias is resolved against every anchor before it). */
export const MAX_ALIASES = 1000;
/** At most this many nodes added to a file by expanding its aliases. */
export const MAX_ALIAS_EXPANSION = 10_000;
/** Mappings and lists nest at most this deep (every later step walks the data recursively). */
export const MAX_YAML_DEPTH = 100;

export interface StructureProblem {
  offset: number;
  code: 'YAML_ALIAS_LIMIT' | 'YAML_ALIAS_UNRESOLVED' | 'YAML_ALIAS_CYCLE' | 'YAML_TOO_DEEP';
  message: string;
}

class Stop extends Error {}

export function structureProblems(doc: Document.Parsed): StructureProblem[] {
  const out: StructureProblem[] = [];
  const anchors = new Map<string, object>();
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  let aliases = 0;
  let expansion = 0;

  const walk = (node: unknown, depth: number): number => {
    if (node === null || typeof node !== 'object') return 0;
    if (isAlias(node)) {
      const offset = node.range?.[0] ?? 0;
      if (++aliases > MAX_ALIASES) {
        out.push({
          offset,
          code: 'YAML_ALIAS_LIMIT',
          message: `more than ${MAX_ALIASES} aliases in one file; write the values out instead`,
        });
        throw new Stop();
      }
      const target = anchors.get(node.source);
      if (!target) {
        out.push({
          offset,
          code: 'YAML_ALIAS_UNRESOLVED',
          message: `alias *${node.source} names no anchor defined before it; define &${node.source} first`,
        });
        return 1;
      }
      if (open.has(target)) {
        out.push({
          offset,
          code: 'YAML_ALIAS_CYCLE',
          message: `alias *${node.source} is inside the node anchored as &${node.source}, so it would contain itself`,
        });
        return 1;
      }
      const size = sizes.get(target) ?? 1;
      expansion += size;
      if (expansion > MAX_ALIAS_EXPANSION) {
        out.push({
          offset,
          code: 'YAML_ALIAS_LIMIT',
          message: `aliases expand this file by more than ${MAX_ALIAS_EXPANSION} values (an alias of an alias of …: a resource exhaustion attack, or a mistake); write the values out instead`,
        });
        throw new Stop();
      }
      return size;
    }
    if (isPair(node)) return walk(node.key, depth) + walk(node.value, depth);
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) return 0;
    if (node.anchor) anchors.set(node.anchor, node);
    let size = 1;
    if (isMap(node) || isSeq(node)) {
      if (depth > MAX_YAML_DEPTH) {
        out.push({
          offset: node.range?.[0] ?? 0,
          code: 'YAML_TOO_DEEP',
          message: `mappings and lists nest deeper than ${MAX_YAML_DEPTH} levels here; flatten the structure`,
        });
        throw new Stop();
      }
      open.add(node);
      for (const item of node.items) size += walk(item, depth + 1);
      open.delete(node);
    }
    sizes.set(node, size);
    return size;
  };

  try {
    walk(doc.contents, 1);
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
  }
  return out;
}
