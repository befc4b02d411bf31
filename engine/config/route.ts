/**
 * Multi-ERP routing: `target.connection` as a route that chooses the connection per record, checked
 * before anything runs. Every connection the route can produce (the values of `map`, the names in
 * `to`) must exist in the connections file, be of the same connector as the others and offer the
 * target resource; the route expression must compile, and the string literals it returns must be
 * among the values the route lists (a typo in `'sap-b1-us'` is a validation error, not a parked run).
 */
import type { ConnectionRoute } from './pipeline.generated.js';
import type { YamlPath } from './yaml-file.js';
import { isFieldPath } from '../transform/key.js';
import { parseJsonata, startOffset, type AstNode } from '../transform/jsonata-ast.js';
import type { RouteDefinition } from '../transform/route.js';

/** A route as the engine runs it: the expression and, per value it may yield, the connection (for `to`, each name maps to itself). */
export type RouteSpec = RouteDefinition;

interface Reporter {
  at(path: YamlPath, code: string, message: string, which?: 'key' | 'value'): void;
  atOffset(path: YamlPath, offset: number, code: string, message: string): void;
}

export function isRoute(connection: unknown): connection is ConnectionRoute {
  return !!connection && typeof connection === 'object' && !Array.isArray(connection);
}

/**
 * Checks a route's form and expression (the connections themselves are bound by the caller, each at
 * its own path) and returns it with the path of each connection it names.
 */
export function checkRoute(
  c: Reporter,
  route: ConnectionRoute,
): { spec: RouteSpec; names: { name: string; path: YamlPath }[] } | undefined {
  const base: YamlPath = ['target', 'connection'];
  const hasMap = route.map !== undefined;
  const hasTo = route.to !== undefined;
  if (hasMap === hasTo) {
    c.at(
      base,
      'ROUTE_FORM',
      hasMap
        ? 'a route has either `map` (value → connection) or `to` (the connections the expression yields), not both'
        : 'a route needs `map` (value → connection, e.g. `map: { EU: sap-b1-eu, US: sap-b1-us }`) or `to` (the connections the expression yields)',
    );
    return undefined;
  }
  if (typeof route.route !== 'string' || route.route.trim() === '') return undefined; // the schema says so
  const connections = new Map<string, string>();
  const names: { name: string; path: YamlPath }[] = [];
  if (route.map) {
    for (const [value, name] of Object.entries(route.map)) {
      if (typeof name !== 'string') continue;
      connections.set(value, name);
      names.push({ name, path: [...base, 'map', value] });
    }
  } else {
    (route.to ?? []).forEach((name, i) => {
      if (typeof name !== 'string') return;
      connections.set(name, name);
      names.push({ name, path: [...base, 'to', i] });
    });
  }
  if (!isFieldPath(route.route)) {
    const { ast, problem } = parseJsonata(route.route);
    if (problem) {
      c.atOffset([...base, 'route'], problem.offset, 'JSONATA_SYNTAX', `in route expression: ${problem.message}`);
      return undefined;
    }
    for (const lit of resultLiterals(ast!)) {
      if (connections.has(lit.value)) continue;
      c.atOffset(
        [...base, 'route'],
        startOffset(lit.position, `'${lit.value}'`),
        'ROUTE_VALUE_UNLISTED',
        `the route can yield "${lit.value}", which ${route.map ? 'the route map has no entry for' : 'is not among `to`'}; listed: ${[...connections.keys()].join(', ')}`,
      );
    }
  }
  return { spec: { expression: route.route, connections, form: route.map ? 'map' : 'to' }, names };
}

/** The string literals an expression can return as its value (branches of conditions, the last expression of a block). */
export function resultLiterals(node: AstNode): { value: string; position: number | undefined }[] {
  if (node.type === 'string' && typeof node.value === 'string') return [{ value: node.value, position: node.position }];
  if (node.type === 'condition') {
    return [node.then, node.else].flatMap((n) => (n && typeof n === 'object' ? resultLiterals(n as AstNode) : []));
  }
  if (node.type === 'block' && Array.isArray(node.expressions) && node.expressions.length > 0) {
    return resultLiterals(node.expressions[node.expressions.length - 1] as AstNode);
  }
  return [];
}
