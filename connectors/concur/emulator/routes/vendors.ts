/**
 * Invoice vendors v3.1: search (limit up to 1000), batch create and update with a per-record
 * `StatusList`, delete by vendor code + address code. Key = VendorCode + AddressCode.
 */
import { randomBytes } from 'node:crypto';
import { errorResponse } from '../error-bodies.js';
import { tellCommitted, type Written } from '../events.js';
import { v3Page } from '../paging.js';
import type { EmuContext, EmuRequest, EmuResponse, RouteDef } from '../router.js';
import { vendorKey, type Json } from '../state.js';

const REQUIRED = ['VendorCode', 'AddressCode', 'CountryCode', 'CurrencyCode'] as const;
const READ_ONLY = new Set(['ID', 'URI', 'StatusList', 'VendorBankList', 'VendorGroupList']);

export interface VendorStatus {
  Code: number;
  Message: string;
  RecordNumber: number;
  Type: 'SUCCESS' | 'ERROR';
}

function ok(n: number, message: string): VendorStatus {
  return { Code: 200, Message: message, RecordNumber: n, Type: 'SUCCESS' };
}

function bad(n: number, code: number, message: string): VendorStatus {
  return { Code: code, Message: message, RecordNumber: n, Type: 'ERROR' };
}

function matches(value: unknown, wanted: string, searchType: string): boolean {
  const v = String(value ?? '').toLowerCase();
  const w = wanted.toLowerCase();
  if (searchType === 'begins') return v.startsWith(w);
  if (searchType === 'contains') return v.includes(w);
  if (searchType === 'ends') return v.endsWith(w);
  return v === w;
}

function withUri(origin: string, v: Json): Json {
  return {
    ...v,
    URI: `${origin}/api/v3.1/invoice/vendors?vendorCode=${encodeURIComponent(String(v.VendorCode))}&addressCode=${encodeURIComponent(String(v.AddressCode))}`,
  };
}

function search(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const q = req.query;
  const searchType = q.get('searchType') ?? 'exact';
  const filters: [string, string][] = [
    ['vendorCode', 'VendorCode'],
    ['vendorName', 'VendorName'],
    ['addressCode', 'AddressCode'],
    ['taxID', 'TaxID'],
    ['city', 'City'],
    ['postalCode', 'PostalCode'],
    ['approved', 'Approved'],
  ];
  let all = [...ctx.state.vendors.values()];
  for (const [param, field] of filters) {
    const wanted = q.get(param);
    if (wanted !== null) all = all.filter((v) => matches(v[field], wanted, searchType));
  }
  const page = v3Page(req, all, 25, 1000);
  if (!page) return errorResponse('vendors', 400, 'Invalid offset');
  const items = page.items.map((v) => withUri(req.origin, v));
  return {
    status: 200,
    body: {
      Vendor: items,
      Items: items,
      NextPage: page.nextPage,
      TotalCount: page.total,
      RequestRunSummary: `${items.length} vendors returned`,
    },
  };
}

function body(req: EmuRequest): Json[] | undefined {
  const b = req.body as Json | undefined;
  const list = b?.Vendor;
  if (Array.isArray(list)) return list as Json[];
  if (list && typeof list === 'object') return [list as Json];
  return undefined;
}

function writable(v: Json): Json {
  const out: Json = {};
  for (const [k, val] of Object.entries(v)) if (!READ_ONLY.has(k)) out[k] = val;
  return out;
}

function upsert(req: EmuRequest, ctx: EmuContext, create: boolean): EmuResponse {
  const vendors = body(req);
  if (!vendors || vendors.length === 0)
    return errorResponse('vendors', 400, 'The request body must contain a Vendor list');
  let failed = 0;
  const written: Written[] = [];
  const results = vendors.map((v, i) => {
    const n = i + 1;
    const missing = REQUIRED.filter((f) => typeof v[f] !== 'string' || (v[f] as string).trim() === '');
    let status: VendorStatus;
    if (missing.length > 0) status = bad(n, 400, `Required field(s) missing: ${missing.join(', ')}`);
    else {
      const key = vendorKey(v);
      const existing = ctx.state.vendors.get(key);
      if (create && existing)
        status = bad(
          n,
          409,
          `Vendor ${String(v.VendorCode)} with address code ${String(v.AddressCode)} already exists`,
        );
      else if (!create && !existing)
        status = bad(n, 404, `Vendor ${String(v.VendorCode)} with address code ${String(v.AddressCode)} was not found`);
      else {
        const next = create
          ? { ...writable(v), ID: randomBytes(10).toString('hex').toUpperCase() }
          : { ...existing, ...writable(v) };
        ctx.state.vendors.set(key, next);
        written.push({ key, id: String(next.ID) });
        status = ok(n, create ? 'Vendor created' : 'Vendor updated');
      }
    }
    if (status.Type === 'ERROR') failed += 1;
    return { ...v, StatusList: [status] };
  });
  tellCommitted(ctx, req, 'vendors', written);
  return {
    status: 200,
    body: {
      Vendor: results,
      RequestRunSummary: `${vendors.length - failed} succeeded, ${failed} failed`,
      TotalCount: vendors.length,
    },
  };
}

function remove(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const vendorCode = req.query.get('vendorCode');
  const addressCode = req.query.get('addressCode');
  if (!vendorCode || !addressCode) return errorResponse('vendors', 400, 'vendorCode and addressCode are required');
  const key = `${vendorCode}|${addressCode}`;
  const existing = ctx.state.vendors.get(key);
  ctx.state.vendors.delete(key);
  if (existing) tellCommitted(ctx, req, 'vendors', [{ key, id: String(existing.ID) }]);
  const status = existing
    ? ok(1, 'Vendor deleted')
    : bad(1, 404, `Vendor ${vendorCode} with address code ${addressCode} was not found`);
  const echo = existing ?? { VendorCode: vendorCode, AddressCode: addressCode };
  return {
    status: 200,
    body: { Vendor: [{ ...echo, StatusList: [status] }], RequestRunSummary: existing ? '1 deleted' : '0 deleted' },
  };
}

export const vendorRoutes: RouteDef[] = [
  { method: 'GET', path: '/api/v3.1/invoice/vendors', family: 'vendors', auth: true, handler: search },
  {
    method: 'POST',
    path: '/api/v3.1/invoice/vendors',
    family: 'vendors',
    auth: true,
    handler: (req, ctx) => upsert(req, ctx, true),
  },
  {
    method: 'PUT',
    path: '/api/v3.1/invoice/vendors',
    family: 'vendors',
    auth: true,
    handler: (req, ctx) => upsert(req, ctx, false),
  },
  { method: 'DELETE', path: '/api/v3.1/invoice/vendors', family: 'vendors', auth: true, handler: remove },
];
