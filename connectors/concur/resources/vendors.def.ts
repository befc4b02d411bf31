/**
 * `vendors` (source, lookup, target): Invoice vendors v3.1 of one address code, keyed by
 * `VendorCode`; the options, record check and definition (reading and writing: vendors.ts).
 */
import type { DataRecord } from '../../../engine/connector/types.js';
import type { ConcurDefinition } from './resource.js';
import { VENDOR_BATCH } from './write-limits.js';

const REQUIRED = ['VendorCode', 'CountryCode', 'CurrencyCode'];

export const vendorOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    addressCode: {
      type: 'string',
      minLength: 1,
      default: 'MAIN',
      title: 'Address code',
      description: 'The vendor address this resource reads and writes; records without AddressCode get it.',
      examples: ['MAIN'],
    },
  },
} as const;

export function checkVendor(record: DataRecord): string[] {
  return REQUIRED.filter((f) => typeof record[f] !== 'string' || record[f] === '').map((f) => `a vendor needs ${f}`);
}

export const vendorsDefinition: ConcurDefinition = {
  name: 'vendors',
  definition: {
    description: 'Invoice vendors v3.1 of one address code, keyed by VendorCode; StatusList results mapped to records.',
    roles: ['source', 'lookup', 'target'],
    key: 'VendorCode',
    optionsSchema: vendorOptionsSchema,
    capabilities: {
      bulkSize: VENDOR_BATCH,
      modes: ['create', 'upsert', 'mirror'],
      deleteActions: ['delete'],
      list: true,
    },
    check: checkVendor,
  },
};
