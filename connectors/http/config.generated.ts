/* Generated from connectors/http/config.schema.json, connectors/http/batch.schema.json, connectors/http/options.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run gen`. */

/**
 * A REST/JSON API described by configuration: where it is, how to authenticate, how fast and how patiently to call it. What each resource reads and writes is set in the pipeline's resource options.
 */
export interface HttpConfig {
  /**
   * Every resource path and every token URL that is not absolute is resolved against it.
   */
  baseUrl: string;
  /**
   * Headers sent with every request (not for credentials: use auth).
   */
  headers?: {
    [k: string]: string;
  };
  /**
   * How each request is authenticated. Secrets are references (${env:NAME}, ${file:path}) and never appear in logs.
   */
  auth?: {
    [k: string]: unknown;
  };
  /**
   * Per-request timeout in milliseconds. A write that times out after it was sent is in doubt, never failed.
   */
  timeoutMs?: number;
  /**
   * How long after a write was sent the API may still commit it (its own request timeout). In-doubt writes are looked up by key only after it.
   */
  commitWindowMs?: number;
  /**
   * Reads are retried on `statuses` and on network errors, with jittered backoff, honouring Retry-After. A write is retried only when it certainly was not processed: a status in `refusedStatuses` that is also in `statuses`, or a connection refused before sending.
   */
  retry?: {
    /**
     * Total attempts, the first included.
     */
    attempts?: number;
    baseDelayMs?: number;
    maxDelayMs?: number;
    /**
     * Longest server-requested wait (Retry-After) honoured.
     */
    maxRetryAfterMs?: number;
    /**
     * HTTP statuses that are retried. Other 4xx are final; any 5xx answering a write leaves it in doubt (the engine looks it up by key).
     */
    statuses?: number[];
    /**
     * Statuses that mean the API did not process the request (so a write answered with one is not in doubt). Add 503 only when the API documents that a 503 is never processed.
     */
    refusedStatuses?: number[];
  };
  /**
   * At most `requests` calls (token calls included) in any `perMs` window.
   */
  rateLimit?: {
    requests: number;
    perMs?: number;
  };
}

/**
 * An endpoint that takes an array of records and answers with one result per item.
 */
export interface HttpBatchOptions {
  method?: 'POST' | 'PUT' | 'PATCH';
  /**
   * Path of the batch endpoint. Default: the collection path.
   */
  path?: string;
  /**
   * Most records per request.
   */
  maxItems?: number;
  /**
   * JSONata over the array of records building the body. Default: the array.
   */
  body?: string;
  /**
   * JSONata over the response body: the per-item results, in the order sent. Default: the body when it is an array, else its items/results/data array.
   */
  results?: string;
  /**
   * JSONata over one item result: true when that item was written. Default: it has no `error` and its `status` (if any) is below 400.
   */
  ok?: string;
  /**
   * JSONata over one item result: the record's id. Default: its idField, or `id`.
   */
  id?: string;
  /**
   * JSONata over one item result: the rejection message. Default: its error.message, error, or message.
   */
  error?: string;
}

/**
 * One REST collection: where its records are, how its pages follow each other, how a record is found by key, and how it is written.
 */
export interface HttpOptionsOptions {
  /**
   * Path of the collection, relative to the connection's baseUrl (a leading / is kept relative to it).
   */
  path: string;
  /**
   * Fixed query parameters of every list request.
   */
  query?: {
    [k: string]: string | number | boolean;
  };
  /**
   * JSONata over a response body selecting its records. Default: the body itself when it is an array, else its `items`, `data`, `results` or `records` array.
   */
  records?: string;
  /**
   * Field of a record that holds the API's own id (used in {$id} templates).
   */
  idField?: string;
  /**
   * How one list page leads to the next.
   */
  pagination?: {
    [k: string]: unknown;
  };
  /**
   * With source.incremental, the cursor value is sent in this query parameter; records before it are dropped in any case.
   */
  incremental?: {
    param: string;
  };
  /**
   * How a target finds its records by dedupe key (the create guard, and settling in-doubt writes): GET one record by key, a filter query, or the whole collection.
   */
  lookup?: {
    [k: string]: unknown;
  };
  create?: {
    method?: 'POST' | 'PUT';
    /**
     * URL template (record fields as {Field}, the key as {$key}). Default: the collection path.
     */
    path?: string;
    /**
     * JSONata over the record building the body. Default: the record.
     */
    body?: string;
    /**
     * JSONata over the response body: the new record's id. Default: its idField.
     */
    id?: string;
  };
  update?: {
    method?: 'PUT' | 'PATCH' | 'POST';
    /**
     * URL template. Default: {collection path}/{$id}.
     */
    path?: string;
    /**
     * The whole record, or only the changed top-level fields.
     */
    send?: 'record' | 'changes';
    /**
     * JSONata over what is sent, building the body. Default: it as is.
     */
    body?: string;
  };
  /**
   * How a mirror delete is sent (HTTP DELETE); without it a mirror pipeline is refused when it opens the target.
   */
  delete?: {
    /**
     * URL template. Default: {collection path}/{$id}.
     */
    path?: string;
  };
}
