/**
 * The connector registry: an object built from an explicit list (never filled by import side
 * effects), so tests can build one with only the connectors they need. The list may name loaders
 * instead of definitions (`registryFromLoaders`): each connector is then imported only when a
 * command needs it, so start-up stays small.
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

/** Each connector's definition by name, imported on demand (a dynamic `import()` per connector). */
export type ConnectorLoaders = Readonly<Record<string, () => Promise<ConnectorDefinition<never>>>>;

/** A registry of the named connectors (default: every one listed), importing only those. */
export async function registryFromLoaders(
  loaders: ConnectorLoaders,
  names: readonly string[] = Object.keys(loaders),
): Promise<Registry> {
  const unknown = names.filter((name) => !Object.hasOwn(loaders, name));
  if (unknown.length > 0)
    throw new Error(`unknown connector(s) ${unknown.join(', ')}; known: ${Object.keys(loaders).sort().join(', ')}`);
  const definitions = await Promise.all(names.map((name) => loaders[name]!()));
  definitions.forEach((def, i) => {
    if (def.name !== names[i]) throw new Error(`the loader of connector "${names[i]}" loaded "${def.name}"`);
  });
  return createRegistry(definitions);
}
