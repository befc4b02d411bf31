/**
 * `expense-reports` (source, lookup): Expense Report v3 company-wide (`user=ALL`), filtered by
 * approval and payment status, incremental on `LastModifiedDate` (`modifiedDateAfter`), following
 * `NextPage`. Each report carries its entries, each entry its allocations; custom and org-unit
 * fields are flattened to `...Code` / `...Value`.
 */
import type { DataRecord, ReadRequest, SourceResource } from '../../../engine/connector/types.js';
import { mapLimit } from './map-limit.js';
import { v3Pages } from './paging.js';
import type { ConcurOpeners, ResourceEnv } from './resource.js';
import { flattenV3, isoToV3Filter } from './v3-fields.js';

type Json = Record<string, unknown>;

export const REPORT_DATE_FIELDS = [
  'CreateDate',
  'SubmitDate',
  'LastModifiedDate',
  'PaidDate',
  'ProcessingPaymentDate',
  'UserDefinedDate',
] as const;
export const ENTRY_DATE_FIELDS = ['TransactionDate', 'LastModified'] as const;

interface Options {
  approvalStatus?: string | string[];
  paymentStatus?: string | string[];
  user?: string;
  modifiedAfter?: string;
  processingPaymentDateAfter?: string;
  includeEntries?: boolean;
  includeAllocations?: boolean;
  pageSize?: number;
  concurrency?: number;
}

function joinCodes(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

function laterOf(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

async function collect(
  env: ResourceEnv,
  path: string,
  searchParams: Record<string, string | number>,
  op: string,
): Promise<Json[]> {
  const out: Json[] = [];
  for await (const page of v3Pages(env.client, { path, searchParams, op })) out.push(...page);
  return out;
}

async function enrich(env: ResourceEnv, report: Json, o: Options): Promise<DataRecord> {
  const id = String(report.ID);
  const flat = flattenV3(report, REPORT_DATE_FIELDS);
  if (o.includeEntries === false) return flat;
  const entries = await collect(env, '/api/v3.0/expense/entries', { reportID: id, limit: 100 }, 'GET expense entries');
  const allocations =
    o.includeAllocations === false
      ? []
      : await collect(env, '/api/v3.0/expense/allocations', { reportID: id, limit: 100 }, 'GET expense allocations');
  const byEntry = new Map<string, Json[]>();
  for (const a of allocations) {
    const key = String(a.EntryID);
    byEntry.set(key, [...(byEntry.get(key) ?? []), flattenV3(a)]);
  }
  flat.Entries = entries.map((e) => ({
    ...flattenV3(e, ENTRY_DATE_FIELDS),
    ...(o.includeAllocations !== false && { Allocations: byEntry.get(String(e.ID)) ?? [] }),
  }));
  return flat;
}

function source(env: ResourceEnv, options: DataRecord): SourceResource {
  const o = options as Options;
  return {
    async *read(request: ReadRequest) {
      const since = laterOf(request.since, o.modifiedAfter);
      const searchParams = {
        user: o.user ?? 'ALL',
        approvalStatusCode: joinCodes(o.approvalStatus),
        paymentStatusCode: joinCodes(o.paymentStatus),
        modifiedDateAfter: since ? isoToV3Filter(since) : undefined,
        processingPaymentDateAfter: o.processingPaymentDateAfter,
        limit: Math.min(100, o.pageSize ?? request.pageSize ?? 100),
      };
      for await (const reports of v3Pages(env.client, {
        path: '/api/v3.0/expense/reports',
        searchParams,
        op: 'GET expense reports',
      })) {
        if (reports.length === 0) continue;
        yield await mapLimit(reports, o.concurrency ?? 4, (r) => enrich(env, r, o));
      }
    },
  };
}

export const expenseReportsOpeners: ConcurOpeners = { source };
