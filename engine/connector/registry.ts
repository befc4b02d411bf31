/**
 * The connector registry: an object built from an explicit list (never filled by import side
 * effects), so tests can build one with only the connectors they need.
 */
import type { ConnectorDefinition, ResourceDefinition, Role } from './types.js';

export interface Registry {
  readonly connectors: ReadonlyMap<string, ConnectorDefinition>;
  get(name: string): ConnectorDefinition | undefined;
  resource(connector: string, resource: string): ResourceDefinition | undefined;
  names(): string[];
}

export function createRegistry(definitions: readonly ConnectorDefinition<never>[]): Registry {
  const connectors = new Map<string, ConnectorDefinition>();
  for (const def of definitions as unknown as ConnectorDefinition[]) {
    if (connectors.has(def.name)) throw new Error(`connector "${def.name}" is registered twice`);
    connectors.set(def.name, def);
  }
  return {
    connectors,
    get: (name) => connectors.get(name),
    resource: (connector, resource) => connectors.get(connector)?.resources[resource],
    names: () => [...connectors.keys()].sort(),
  };
}

export function resourcesWithRole(def: ConnectorDefinition, role: Role): string[] {
  return Object.entries(def.resources)
    .filter(([, r]) => r.roles.includes(role))
    .map(([name]) => name)
    .sort();
}
