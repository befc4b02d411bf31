/**
 * Routed dedupe keys: in a routed pipeline (target.connection is a route) a record is identified by
 * its connection and its dedupe key together, written `connection/key`. Connection names cannot
 * contain `/`, so the first `/` separates them. No dependencies: the CLI's plan printer uses it.
 */
export const ROUTE_SEPARATOR = '/';

export function routedKey(connection: string, key: string): string {
  return `${connection}${ROUTE_SEPARATOR}${key}`;
}

/** The connection and dedupe key of a routed key (undefined when it carries no connection). */
export function splitRoutedKey(key: string): { connection: string; key: string } | undefined {
  const i = key.indexOf(ROUTE_SEPARATOR);
  return i <= 0 ? undefined : { connection: key.slice(0, i), key: key.slice(i + 1) };
}
