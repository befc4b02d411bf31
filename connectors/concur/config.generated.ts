/* Generated from connectors/concur/config.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run gen`. */

/**
 * A company-level connection to SAP Concur. The first token comes from the company request token (password grant, credtype=authtoken); after that the connector refreshes, and keeps the rotated refresh token and geolocation encrypted in the state store. The credentials here are only the seed.
 */
export interface ConcurConfig {
  /**
   * OAuth2 client id of the registered application (App Center partner app or company app).
   */
  clientId: string;
  /**
   * OAuth2 client secret. Use a reference such as ${env:CONCUR_CLIENT_SECRET}.
   */
  clientSecret: string;
  /**
   * The company's UUID (the `id` of the App Center connect redirect); the username of the authtoken grant.
   */
  companyUuid?: string;
  /**
   * Company request token from the admin UI or the App Center connect redirect. Valid 24 hours; only used when the state store holds no refresh token for this connection yet (or holds one for another seed).
   */
  requestToken?: string;
  /**
   * A refresh token obtained elsewhere, as an alternative seed to the request token. Once used, the rotated token lives in the state store.
   */
  refreshToken?: string;
  /**
   * Where the first token request goes. A company that lives in another data center answers with OAuth error 16 and its geolocation, which the connector follows once. A path is ignored.
   */
  authUrl?: string;
  /**
   * Base URL the seed refresh token belongs to. Default: authUrl.
   */
  geolocation?: string;
  /**
   * The `systemId` sent with Financial Integration Service acknowledgements and posting confirmations.
   */
  systemId?: string;
  /**
   * Milliseconds before one HTTP request is abandoned (and retried when that is safe).
   */
  timeoutMs?: number;
  /**
   * How long Concur may still commit a write after it gave no answer in time. A create whose outcome is unknown is searched for by its key only after the request timeout plus this window, and never sent again before. Concur does not document its server-side limit; the default is deliberately long.
   */
  commitWindowMs?: number;
  /**
   * Refresh the access token this many seconds before it expires (at most half its lifetime).
   */
  refreshAheadSeconds?: number;
  /**
   * Retries of throttled (429), failed (5xx) and dropped requests. 429 waits for Retry-After; `retry-after: 0` and 5xx use jittered exponential backoff.
   */
  retry?: {
    /**
     * Total attempts, the first included.
     */
    attempts?: number;
    /**
     * First backoff delay in milliseconds; doubles per attempt.
     */
    baseDelayMs?: number;
    /**
     * Cap of one backoff delay in milliseconds.
     */
    maxDelayMs?: number;
    /**
     * A longer server-requested wait is capped to this many milliseconds.
     */
    maxRetryAfterMs?: number;
  };
  /**
   * How SCIM bulk requests are polled until every operation settles.
   */
  provisioning?: {
    /**
     * Milliseconds before the first status poll; grows 1.5x per poll up to a minute. Concur asks for at least 5 seconds.
     */
    pollIntervalMs?: number;
    /**
     * Operations still pending after this many milliseconds fail as retryable.
     */
    timeoutMs?: number;
  };
}
