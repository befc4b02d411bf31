/**
 * Resource dispatch, owned by the engine: a resource is opened by name on an open connection
 * through its own definition (`openSource` / `openTarget`). Unknown resources, a role the resource
 * does not offer and a target mode it does not support are refused here, with one error each, the
 * same for every connector (`sluice validate` reports the same problems with file:line:col first).
 */
import { ConfigError } from '../errors.js';
import type {
  Connection,
  ConnectorContext,
  ConnectorDefinition,
  DataRecord,
  ResourceDefinition,
  SourceResource,
  TargetBinding,
  TargetResource,
} from './types.js';

type AnyDefinition<Conn extends Connection> = Pick<ConnectorDefinition<never, Conn>, 'name' | 'resources'>;

function offering<Conn extends Connection>(def: AnyDefinition<Conn>, role: 'source' | 'target'): string[] {
  return Object.entries(def.resources)
    .filter(([, r]) => (role === 'source' ? r.openSource : r.openTarget) !== undefined)
    .map(([name]) => name)
    .sort();
}

function resourceFor<Conn extends Connection>(
  def: AnyDefinition<Conn>,
  resource: string,
  role: 'source' | 'target',
): ResourceDefinition<Conn> {
  const r = Object.hasOwn(def.resources, resource) ? def.resources[resource] : undefined;
  if (!r) {
    throw new ConfigError(
      'RESOURCE_UNKNOWN',
      `connector "${def.name}" has no resource "${resource}"; it offers: ${Object.keys(def.resources).sort().join(', ')}`,
    );
  }
  const roles: readonly string[] = r.roles;
  const offered = role === 'source' ? roles.includes('source') || roles.includes('lookup') : roles.includes('target');
  const opens = role === 'source' ? r.openSource : r.openTarget;
  if (!offered || !opens) {
    throw new ConfigError(
      'ROLE_UNSUPPORTED',
      `connector "${def.name}" has no ${role} resource "${resource}"; ${role} resources: ${offering(def, role).join(', ') || 'none'}`,
    );
  }
  return r;
}

/** Opens `resource` of `def` for reading (source and lookup roles) on the open connection `conn`. */
export function openSource<Conn extends Connection>(
  def: AnyDefinition<Conn>,
  conn: Conn,
  resource: string,
  options: DataRecord = {},
): SourceResource {
  const r = resourceFor(def, resource, 'source');
  return r.openSource!(conn, options, { resource });
}

/** Opens `resource` of `def` for writing on the open connection `conn`, in the pipeline's mode. */
export function openTarget<Conn extends Connection>(
  def: AnyDefinition<Conn>,
  conn: Conn,
  resource: string,
  options: DataRecord,
  binding: TargetBinding,
): TargetResource {
  const r = resourceFor(def, resource, 'target');
  const modes = r.capabilities.modes;
  if (modes && !modes.includes(binding.mode)) {
    throw new ConfigError(
      'MODE_UNSUPPORTED',
      `resource "${resource}" of connector "${def.name}" supports mode ${modes.join(' | ')}, not ${binding.mode}`,
    );
  }
  return r.openTarget!(conn, options, binding, { resource });
}

/** Opens resources by name on one open connection (what tools and tests hold instead of the pair). */
export interface ResourceOpener {
  source(resource: string, options?: DataRecord): SourceResource;
  target(resource: string, options: DataRecord, binding: TargetBinding): TargetResource;
}

/** The connection `conn` with `source` / `target` openers bound to its definition (engine dispatch). */
export function withResources<Conn extends Connection>(def: AnyDefinition<Conn>, conn: Conn): Conn & ResourceOpener {
  const opener: ResourceOpener = {
    source: (resource, options = {}) => openSource(def, conn, resource, options),
    target: (resource, options, binding) => openTarget(def, conn, resource, options, binding),
  };
  return Object.assign(conn, opener);
}

/** Opens a connection of `def` with its resources bound (`withResources`): for tools and tests. */
export async function openConnection<Config, Conn extends Connection>(
  def: ConnectorDefinition<Config, Conn>,
  config: Config,
  context: ConnectorContext,
): Promise<Conn & ResourceOpener> {
  return withResources(def, await def.open(config, context));
}
