/**
 * Resource options: `options.schema.json` (and `batch.schema.json` for the batch resource) is the
 * truth; this is their TypeScript shape, with defaults applied and expressions compiled once.
 */
import type { DataRecord, JsonSchema } from '../../engine/connector/types.js';
import { loadJsonSchema } from '../../engine/connector/load-schema.js';
import { compile, maybe, type Expr } from './expr.js';

export const recordsOptionsSchema = loadJsonSchema(new URL('./options.schema.json', import.meta.url));
const batchSchema = loadJsonSchema(new URL('./batch.schema.json', import.meta.url));

/** The batch resource's options: the same as `records`, plus the required `batch` endpoint. */
export const batchOptionsSchema: JsonSchema = {
  ...recordsOptionsSchema,
  title: 'HTTP batch resource options',
  required: ['path', 'batch'],
  properties: { ...(recordsOptionsSchema.properties as JsonSchema), batch: batchSchema },
};

export type Pagination =
  | { style: 'none' }
  | { style: 'next-link'; next: string; limitParam?: string; limit?: number }
  | { style: 'offset'; offsetParam?: string; limitParam?: string; limit?: number; total?: string }
  | { style: 'page'; pageParam?: string; firstPage?: number; sizeParam?: string; limit?: number; totalPages?: string }
  | { style: 'cursor'; cursor: string; cursorParam?: string; limitParam?: string; limit?: number }
  | { style: 'link-header'; limitParam?: string; limit?: number };

export type Lookup =
  | { by: 'get'; path: string }
  | { by: 'query'; param: string; keysPerRequest?: number; separator?: string }
  | { by: 'list' };

export interface HttpResourceOptions {
  path: string;
  query?: Record<string, string | number | boolean>;
  records?: string;
  idField?: string;
  pagination?: Pagination;
  incremental?: { param: string };
  lookup?: Lookup;
  create?: { method?: 'POST' | 'PUT'; path?: string; body?: string; id?: string };
  update?: { method?: 'PUT' | 'PATCH' | 'POST'; path?: string; send?: 'record' | 'changes'; body?: string };
  delete?: { path?: string };
  batch?: {
    method?: 'POST' | 'PUT' | 'PATCH';
    path?: string;
    maxItems?: number;
    body?: string;
    results?: string;
    ok?: string;
    id?: string;
    error?: string;
  };
}

/** Options with their expressions compiled. */
export interface Compiled {
  options: HttpResourceOptions;
  idField: string;
  records: Expr | undefined;
  next: Expr | undefined;
  total: Expr | undefined;
  createBody: Expr | undefined;
  createId: Expr | undefined;
  updateBody: Expr | undefined;
  batch:
    | {
        body: Expr | undefined;
        results: Expr | undefined;
        ok: Expr | undefined;
        id: Expr | undefined;
        error: Expr | undefined;
      }
    | undefined;
}

export function compileOptions(raw: DataRecord): Compiled {
  const options = raw as unknown as HttpResourceOptions;
  const p = options.pagination;
  const b = options.batch;
  return {
    options,
    idField: options.idField ?? 'id',
    records: maybe(options.records, 'records'),
    next:
      p?.style === 'next-link'
        ? compile(p.next, 'pagination.next')
        : p?.style === 'cursor'
          ? compile(p.cursor, 'pagination.cursor')
          : undefined,
    total:
      p?.style === 'offset'
        ? maybe(p.total, 'pagination.total')
        : p?.style === 'page'
          ? maybe(p.totalPages, 'pagination.totalPages')
          : undefined,
    createBody: maybe(options.create?.body, 'create.body'),
    createId: maybe(options.create?.id, 'create.id'),
    updateBody: maybe(options.update?.body, 'update.body'),
    batch: b && {
      body: maybe(b.body, 'batch.body'),
      results: maybe(b.results, 'batch.results'),
      ok: maybe(b.ok, 'batch.ok'),
      id: maybe(b.id, 'batch.id'),
      error: maybe(b.error, 'batch.error'),
    },
  };
}
