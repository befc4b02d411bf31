/* Generated from schemas/connections.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run gen`. */

/**
 * Connector name, e.g. file, sql, concur, sap-b1.
 */
export type Connector = string;
/**
 * How logs and notifications name this webhook (its URL is a secret and never logged).
 */
export type Name = string;
/**
 * Where the JSON is POSTed, as a reference: `${env:NAME}` or `${file:path}` (webhook URLs carry tokens; a literal URL is an error).
 */
export type WebhookURL = string;
/**
 * `json`: a JSON object with `text` (Slack-compatible) and the alert's details; `slack`: only `text`, for Slack incoming webhooks that accept nothing else.
 */
export type PayloadFormat = 'json' | 'slack';
/**
 * The last run failed (not interrupted, not refused because another run held the lease).
 */
export type FailedRun = boolean;
/**
 * More than this many records of the pipeline need attention (open or marked for re-sync).
 */
export type AttentionAbove = number;
/**
 * No run succeeded (with or without attention) within this long: ISO-8601 (PT26H) or 90s / 30m / 26h.
 */
export type NoSuccessWithin = string;
/**
 * Webhooks notified about the runs of every pipeline that uses this connections file.
 */
export type Alerts = Alert[];

/**
 * Named connections to source and target systems. Secrets are references only: `${env:NAME}` or `${file:path}` (path relative to this file); a literal secret is an error.
 */
export interface ConnectionsFile {
  version?: 1;
  connections: {
    [k: string]: Connection;
  };
  alerts?: Alerts;
}
export interface Connection {
  connector: Connector;
}
/**
 * A webhook notified when a condition of a pipeline's runs starts and when it stops (at most once per change; the state is kept in the state store, so several schedulers send one notification).
 */
export interface Alert {
  name?: Name;
  webhook: WebhookURL;
  format?: PayloadFormat;
  when?: Conditions;
}
/**
 * Which conditions notify this webhook.
 */
export interface Conditions {
  failed?: FailedRun;
  attentionAbove?: AttentionAbove;
  noSuccessWithin?: NoSuccessWithin;
}
