/* Generated from connectors/sap-b1/config.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run gen`. */

/**
 * One SAP Business One company database reached through the Service Layer (OData over HTTPS). The connector logs in once per run, reuses the session across runs while it is inside its idle timeout (stored encrypted in the state store), and logs in again once when the session has expired.
 */
export interface SapB1Config {
  /**
   * Scheme, host and port of the Service Layer load balancer, without /b1s/v1 or /b1s/v2 (a path prefix of a reverse proxy is kept).
   */
  serviceUrl: string;
  /**
   * v2 (OData V4, SAP's preferred protocol since 10.0 FP 2108) or v1 (OData V3, deprecated).
   */
  version?: 'v1' | 'v2';
  /**
   * CompanyDB sent at Login.
   */
  companyDb: string;
  /**
   * SAP Business One user (UserName at Login).
   */
  username: string;
  /**
   * Password of the user; write it as a reference, never as a literal.
   */
  password: string;
  /**
   * Optional Language sent at Login (SAP language code, e.g. 3 for English US).
   */
  language?: string;
  /**
   * Entities per page asked for with Prefer: odata.maxpagesize (a read's own page size wins).
   */
  pageSize?: number;
  /**
   * Requests in flight at once on this connection (writes of one batch run in parallel up to this bound). Logins are always serialised.
   */
  concurrency?: number;
  /**
   * Milliseconds before a request is abandoned (a create that times out is looked up before anything is sent again).
   */
  timeoutMs?: number;
  /**
   * How long the Service Layer may still commit a request after it gave no answer in time (its own request timeout, or the time a reverse proxy's 504 leaves SAP carrying on). A create whose outcome is unknown is searched for by its key only after the request timeout plus this window, and never sent again before. Not documented publicly by SAP: set it to the Service Layer's configured limit; the default is deliberately long.
   */
  commitWindowMs?: number;
  /**
   * Send the records of one write call (up to 20) as one $batch request, each in its own change set. Off: one request per record, up to concurrency at once.
   */
  batch?: boolean;
  /**
   * Keep the session id (encrypted in the state store) and reuse it in the next run while it is inside the idle timeout, so a run does not pay for a login.
   */
  reuseSession?: boolean;
  /**
   * Send Logout when the connection is closed cleanly (for long-running processes); the stored session is then forgotten.
   */
  logoutOnClose?: boolean;
  /**
   * Retries of reads and updates that failed transiently (5xx, timeouts, dropped connections). Creates are never replayed blindly: they are looked up first.
   */
  retry?: {
    /**
     * Total attempts, the first included.
     */
    attempts?: number;
    /**
     * First backoff delay.
     */
    baseDelayMs?: number;
    /**
     * Longest backoff delay.
     */
    maxDelayMs?: number;
  };
  /**
   * Certificate checks for https. Service Layer installations often use a company CA: give its certificate rather than turning verification off.
   */
  tls?: {
    /**
     * Verify the server certificate.
     */
    rejectUnauthorized?: boolean;
    /**
     * PEM file with the CA certificate(s) to trust, relative to the connections file.
     */
    caFile?: string;
  };
}
