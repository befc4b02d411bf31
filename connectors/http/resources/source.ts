/**
 * Reading a collection: its pages in the configured style, at most the requested page size each,
 * from the incremental cursor on (sent as a query parameter when configured, and in any case
 * records before it are dropped).
 */
import type { DataRecord, ReadRequest, SourceResource } from '../../../engine/connector/types.js';
import { compileOptions } from '../options.js';
import { listPages, rechunk } from '../pagination.js';
import type { ResourceEnv } from './env.js';

/** At or after the cursor: numbers compare as numbers, anything else as text (ISO dates sort as text). */
export function atOrAfter(value: unknown, since: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'number' && since.trim() !== '' && Number.isFinite(Number(since))) return value >= Number(since);
  return String(value as string) >= since;
}

async function* since(pages: AsyncIterable<DataRecord[]>, field: string, from: string): AsyncGenerator<DataRecord[]> {
  for await (const page of pages) {
    const kept = page.filter((r) => atOrAfter(r[field], from));
    if (kept.length > 0) yield kept;
  }
}

export function openSource(env: ResourceEnv, options: DataRecord): SourceResource {
  const c = compileOptions(options);
  return {
    read(request: ReadRequest) {
      const query: Record<string, string> = {};
      const from = request.since !== undefined && request.cursorField ? request.since : undefined;
      if (from !== undefined && c.options.incremental) query[c.options.incremental.param] = from;
      let pages: AsyncIterable<DataRecord[]> = listPages(env.client, c, {
        query,
        ...(request.pageSize !== undefined && { pageSize: request.pageSize }),
      });
      if (from !== undefined) pages = since(pages, request.cursorField!, from);
      return rechunk(pages, request.pageSize);
    },
  };
}
