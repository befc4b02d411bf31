/**
 * `payment-requests` (source, lookup): Invoice payment request digests, then each full payment
 * request. Line items and allocations are normalised to arrays (the API wraps them XML-style and
 * sends a single item as an object); the digest's status codes and owner are added, and (unless
 * turned off) the vendor code, matched from the vendor list by remit-to name and postal code.
 */
import type { DataRecord, SourceResource } from '../../../engine/connector/types.js';
import type { ConcurClient } from '../client.js';
import { mapLimit } from './map-limit.js';
import { v3Pages } from './paging.js';
import type { ConcurOpeners, ResourceEnv } from './resource.js';

type Json = Record<string, unknown>;

interface Options {
  approvalStatus?: string;
  paymentStatus?: string;
  lastModifiedAfter?: string;
  resolveVendorCodes?: boolean;
  pageSize?: number;
  concurrency?: number;
}

/** `{ LineItem: [..] | {..} }` or an array -> array. */
export function unwrap(value: unknown, key: string): Json[] {
  if (Array.isArray(value)) return value as Json[];
  if (!value || typeof value !== 'object') return [];
  const inner = (value as Json)[key];
  if (Array.isArray(inner)) return inner as Json[];
  return inner && typeof inner === 'object' ? [inner as Json] : [];
}

export function normalisePaymentRequest(pr: Json, digest: Json): Json {
  const lines = unwrap(pr.LineItems, 'LineItem').map((li) => ({
    ...li,
    Allocations: unwrap(li.Allocations, 'Allocation'),
  }));
  return {
    ...pr,
    LineItems: lines,
    ApprovalStatusCode: digest.ApprovalStatusCode,
    PaymentStatusCode: digest.PaymentStatusCode,
    OwnerLoginID: digest.OwnerLoginID,
    OwnerName: digest.OwnerName,
  };
}

type VendorIndex = Map<string, { VendorCode: unknown; AddressCode: unknown }>;

function vendorKey(name: unknown, postal: unknown): string {
  return `${String(name ?? '')
    .trim()
    .toLowerCase()}|${String(postal ?? '')
    .trim()
    .toLowerCase()}`;
}

async function vendorIndex(client: ConcurClient): Promise<VendorIndex> {
  const index: VendorIndex = new Map();
  for await (const page of v3Pages(client, {
    path: '/api/v3.1/invoice/vendors',
    searchParams: { limit: 1000 },
    op: 'GET vendors',
    family: 'vendors',
    itemKeys: ['Vendor', 'Items'],
  })) {
    for (const v of page) {
      const entry = { VendorCode: v.VendorCode, AddressCode: v.AddressCode };
      index.set(vendorKey(v.VendorName, v.PostalCode), entry);
      if (!index.has(vendorKey(v.VendorName, ''))) index.set(vendorKey(v.VendorName, ''), entry);
    }
  }
  return index;
}

function source(env: ResourceEnv, options: DataRecord): SourceResource {
  const o = options as Options;
  return {
    async *read(request) {
      const vendors = o.resolveVendorCodes === false ? undefined : await vendorIndex(env.client);
      const searchParams = {
        limit: o.pageSize ?? Math.min(1000, request.pageSize ?? 100),
        approvalStatus: o.approvalStatus,
        paymentStatus: o.paymentStatus,
        lastModifiedDateAfter: o.lastModifiedAfter,
      };
      const pages = v3Pages(env.client, {
        path: '/api/v3.0/invoice/paymentrequestdigests',
        searchParams,
        op: 'GET payment request digests',
        itemKeys: ['Items', 'PaymentRequestDigest'],
      });
      for await (const digests of pages) {
        if (digests.length === 0) continue;
        yield await mapLimit(digests, o.concurrency ?? 4, async (d) => {
          const id = String(d.PaymentRequestId ?? d.ID);
          const res = await env.client.request({
            method: 'GET',
            path: `/api/v3.0/invoice/paymentrequest/${encodeURIComponent(id)}`,
            family: 'v3',
            op: 'GET payment request',
          });
          const pr = normalisePaymentRequest((res.body ?? {}) as Json, d);
          if (vendors) {
            const remit = (pr.VendorRemitAddress ?? {}) as Json;
            const hit = vendors.get(vendorKey(remit.Name, remit.PostalCode)) ?? vendors.get(vendorKey(remit.Name, ''));
            if (hit) Object.assign(pr, { VendorCode: hit.VendorCode, VendorAddressCode: hit.AddressCode });
          }
          return pr;
        });
      }
    },
  };
}

export const paymentRequestsOpeners: ConcurOpeners = { source };
