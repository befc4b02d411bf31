/* Generated from schemas/connections.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run gen`. */

/**
 * Connector name, e.g. file, sql, concur, sap-b1.
 */
export type Connector = string;

/**
 * Named connections to source and target systems. Secrets are references only: `${env:NAME}` or `${file:path}` (path relative to this file); a literal secret is an error.
 */
export interface ConnectionsFile {
  version?: 1;
  connections: {
    [k: string]: Connection;
  };
}
export interface Connection {
  connector: Connector;
}
