/**
 * An open connection to one company database: the session manager, the client and the context
 * its resources open with, statistics (API calls and logins), and a clean close (the session is stored for the next run,
 * or logged out).
 */
import type { Connection, ConnectionStats, ConnectorContext } from '../../engine/connector/types.js';
import { systemClock } from '../../engine/runtime/clock.js';
import { CallCounter } from '../../engine/runtime/http.js';
import type { RetryPolicy } from '../../engine/runtime/retry.js';
import { ServiceLayerClient } from './client.js';
import type { ResolvedConfig } from './config.js';
import { SAP_B1_OPENERS } from './resources/openers.js';
import type { ResourceContext, SapB1Openers } from './resources/types.js';
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
  /** What every resource opens with (see resources/types.ts). */
  readonly resourceContext: ResourceContext;
  /** How each resource opens (resources/openers.ts): the read and write code, loaded with the connection. */
  readonly openers: Readonly<Record<string, SapB1Openers>> = SAP_B1_OPENERS;
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
    this.resourceContext = { client, logger, clock: context.clock ?? systemClock };
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
