/**
 * JSON Schema fragments shared by the resources' option schemas (`source.options`,
 * `target.options`, `lookups.<name>.options`), and reading validated options back.
 */
import type { DataRecord, JsonSchema } from '../../../engine/connector/types.js';
import type { WhereValue } from '../query.js';

const FIELD = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' };
const LITERAL = { type: ['string', 'number', 'boolean', 'null'] };

export const COMMON_READ_OPTIONS: Record<string, JsonSchema> = {
  select: {
    description: 'Properties to read ($select); the key is always included. Default: every property.',
    type: 'array',
    items: FIELD,
    uniqueItems: true,
    examples: [['CardCode', 'CardName', 'CardType']],
  },
  where: {
    description:
      'Conditions, all of which must hold: a value means equality; an object compares with eq, ne, gt, ge, lt, le, startswith, endswith or contains. Values are sent as quoted OData literals, never pasted.',
    type: 'object',
    propertyNames: FIELD,
    additionalProperties: {
      anyOf: [
        LITERAL,
        {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            eq: LITERAL,
            ne: LITERAL,
            gt: LITERAL,
            ge: LITERAL,
            lt: LITERAL,
            le: LITERAL,
            startswith: { type: 'string' },
            endswith: { type: 'string' },
            contains: { type: 'string' },
          },
        },
      ],
    },
    examples: [{ CardType: 'cSupplier', CardName: { startswith: 'A' } }],
  },
  orderBy: {
    description:
      'Sort order ($orderby), e.g. "UpdateDate desc". Default: the key (stable pages); incremental reads sort by the cursor field first.',
    type: 'array',
    items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*( (asc|desc))?$' },
    examples: [['CardName asc']],
  },
  pageSize: {
    description: "Entities per page (Prefer: odata.maxpagesize); default the connection's pageSize.",
    type: 'integer',
    minimum: 1,
    maximum: 5000,
    examples: [200],
  },
};

export function objectSchema(description: string, properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', description, additionalProperties: false, properties };
}

export function referenceFieldOption(fields: readonly string[], defaultField: string): JsonSchema {
  return {
    description: `Field that carries the dedupe key (written into every record, searched before every create). Default ${defaultField}.`,
    type: 'string',
    enum: [...fields],
    default: defaultField,
    examples: [defaultField],
  };
}

export interface ReadOptions {
  select?: string[];
  where?: Record<string, WhereValue>;
  orderBy?: { field: string; desc: boolean }[];
  pageSize?: number;
}

export function readOptions(options: DataRecord): ReadOptions {
  const out: ReadOptions = {};
  if (Array.isArray(options.select)) out.select = options.select as string[];
  if (options.where && typeof options.where === 'object') out.where = options.where as Record<string, WhereValue>;
  if (Array.isArray(options.orderBy)) {
    out.orderBy = (options.orderBy as string[]).map((o) => {
      const [field = '', dir] = o.split(' ');
      return { field, desc: dir === 'desc' };
    });
  }
  if (typeof options.pageSize === 'number') out.pageSize = options.pageSize;
  return out;
}
