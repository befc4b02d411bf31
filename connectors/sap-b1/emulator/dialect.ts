/**
 * What differs between /b1s/v1 (OData V3) and /b1s/v2 (OData V4) on the wire (fact sheet §1, §3, §4):
 * content type and version headers, annotation names, count type, nextLink form, error shape.
 */
import type { ProtocolVersion } from './edm/codec.js';
import type { ServiceLayerFault } from './errors.js';

export interface Dialect {
  version: ProtocolVersion;
  headers: Record<string, string>;
  context: string;
  nextLink: string;
  count: string;
  etag: string;
  /** Annotation value for a collection of / one entity of `set`. */
  contextValue(base: string, set: string, single: boolean): string;
  countValue(n: number): string | number;
  errorBody(fault: ServiceLayerFault): unknown;
}

const v1: Dialect = {
  version: 'v1',
  headers: { 'content-type': 'application/json;odata=minimalmetadata;charset=utf-8', dataserviceversion: '3.0' },
  context: 'odata.metadata',
  nextLink: 'odata.nextLink',
  count: 'odata.count',
  etag: 'odata.etag',
  contextValue: (base, set, single) => `${base}/b1s/v1/$metadata#${set}${single ? '/@Element' : ''}`,
  countValue: (n) => String(n),
  errorBody: (f) => ({ error: { code: f.slCode, message: { lang: 'en-us', value: f.message } } }),
};

const v2: Dialect = {
  version: 'v2',
  headers: { 'content-type': 'application/json;odata.metadata=minimal;charset=utf-8', 'odata-version': '4.0' },
  context: '@odata.context',
  nextLink: '@odata.nextLink',
  count: '@odata.count',
  etag: '@odata.etag',
  contextValue: (base, set, single) => `${base}/b1s/v2/$metadata#${set}${single ? '/$entity' : ''}`,
  countValue: (n) => n,
  errorBody: (f) => ({ error: { code: String(f.slCode), message: f.message } }),
};

export function dialectOf(version: ProtocolVersion): Dialect {
  return version === 'v1' ? v1 : v2;
}

/** How nextLink is written: the version's own form (v1 `/b1s/v1/X?..`, v2 `X?..`) or forced. */
export const NEXT_LINK_STYLES = ['version-default', 'absolute', 'root-relative', 'relative'] as const;
export type NextLinkStyle = (typeof NEXT_LINK_STYLES)[number];

export function formatNextLink(
  style: NextLinkStyle,
  version: ProtocolVersion,
  base: string,
  resource: string,
  query: string,
): string {
  const effective = style === 'version-default' ? (version === 'v1' ? 'root-relative' : 'relative') : style;
  const tail = `${resource}?${query}`;
  if (effective === 'absolute') return `${base}/b1s/${version}/${tail}`;
  if (effective === 'root-relative') return `/b1s/${version}/${tail}`;
  return tail;
}
