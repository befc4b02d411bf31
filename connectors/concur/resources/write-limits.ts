/** Records per write call of the Concur write APIs (each resource's `bulkSize`). */

/** User Provisioning v4 SCIM bulk: operations per request. */
export const SCIM_BULK_LIMIT = 100;
/** List v4 bulk API: items per call. */
export const LIST_BULK_LIMIT = 250;
/** Invoice vendors v3.1: vendors per POST or PUT. */
export const VENDOR_BATCH = 100;
