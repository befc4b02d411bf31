/**
 * An open connection to one company database: the session manager, the client, the resources,
 * statistics (API calls and logins), and a clean close (the session is stored for the next run,
 * or logged out).
 */
import type {
  Connection,
  ConnectionStats,
  ConnectorContext,
  DataRecord,
  SourceResource,
  TargetBinding,
  TargetResource,
} from '../../engine/connector/types.js';
import { ConfigError } from '../../engine/errors.js';
import { systemClock } from '../../engine/runtime/clock.js';
import { CallCounter } from '../../engine/runtime/http.js';
import type { RetryPolicy } from '../../engine/runtime/retry.js';
import { ServiceLayerClient } from './client.js';
import type { ResolvedConfig } from './config.js';
import { SAP_B1_RESOURCES } from './resources/index.js';
import type { ResourceContext, SapB1Resource } from './resources/types.js';
import { SessionManager } from './session.js';
import { Transport } from './transport.js';

export interface SapB1Stats extends ConnectionStats {
  /** Logins this connection made (0 when it reused a stored session). */
  logins: number;
}

export interface CloseOptions {
  /** Send Logout and forget the stored session (default: the connection's `logoutOnClose`). */
  logout?: boolean;
}

export class SapB1Connection implements Connection {
  private readonly counter = new CallCounter();
  private readonly sessions: SessionManager;
  private readonly ctx: ResourceContext;
  private closed = false;

  constructor(
    private readonly config: ResolvedConfig,
    context: ConnectorContext,
  ) {
    const logger = context.logger.child({ connector: 'sap-b1', connection: context.connectionName });
    const transport = new Transport({ counter: this.counter, logger, timeoutMs: config.timeoutMs, tls: config.tls });
    const retry: RetryPolicy = { ...config.retry, maxRetryAfterMs: 120_000 };
    this.sessions = new SessionManager({
      config,
      transport,
      vault: context.credentials,
      logger,
      retry,
      ...(context.clock && { clock: context.clock }),
    });
    const client = new ServiceLayerClient({
      config,
      transport,
      sessions: this.sessions,
      logger,
      retry,
      ...(context.signal && { signal: context.signal }),
    });
    this.ctx = { client, logger, clock: context.clock ?? systemClock };
  }

  private resource(name: string, role: 'source' | 'target'): SapB1Resource {
    const r = SAP_B1_RESOURCES[name];
    const roles: readonly string[] = r?.definition.roles ?? [];
    const offered = role === 'source' ? roles.includes('source') || roles.includes('lookup') : roles.includes('target');
    if (!r || !offered) throw new ConfigError('SAP_B1_RESOURCE', `sap-b1 has no ${role} resource "${name}"`);
    return r;
  }

  source(resource: string, options: DataRecord): SourceResource {
    const r = this.resource(resource, 'source');
    return (r.openSource as NonNullable<SapB1Resource['openSource']>)(this.ctx, options);
  }

  target(resource: string, options: DataRecord, binding: TargetBinding): TargetResource {
    const r = this.resource(resource, 'target');
    const mode = binding.mode;
    if (r.definition.capabilities.modes && !r.definition.capabilities.modes.includes(mode)) {
      throw new ConfigError(
        'SAP_B1_MODE',
        `sap-b1 ${resource} supports mode ${r.definition.capabilities.modes.join(', ')}, not ${mode}`,
      );
    }
    return (r.openTarget as NonNullable<SapB1Resource['openTarget']>)(this.ctx, options, binding);
  }

  stats(): SapB1Stats {
    return { ...this.counter.snapshot(), logins: this.sessions.logins };
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sessions.close(options.logout ?? this.config.logoutOnClose);
  }
}
