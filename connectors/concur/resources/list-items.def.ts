/**
 * `list-items` (source, lookup, target): List v4 items of one list, keyed by the long code; the
 * options, record checks and definition (reading and bulk writing: list-items.ts).
 */
import type { DataRecord } from '../../../engine/connector/types.js';
import { deriveCodes, listCodeProblems, listNameProblems } from './list-codes.js';
import type { ConcurDefinition } from './resource.js';
import { LIST_BULK_LIMIT } from './write-limits.js';

export { listCodeProblems } from './list-codes.js';

export const listItemOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['list'] }, { required: ['listId'] }],
  properties: {
    list: {
      type: 'string',
      minLength: 1,
      title: 'List name',
      description: "The list's name (List v4 `value`).",
      examples: ['Cost Centers', 'Projects'],
    },
    listId: {
      type: 'string',
      minLength: 1,
      title: 'List id',
      description: "The list's id, instead of its name.",
      examples: ['7a3e5c1d-0b4f-4e2a-9c8d-1f2e3d4c5b6a'],
    },
    includeDeleted: {
      type: 'boolean',
      default: false,
      title: 'Include deleted items',
      description: 'Source: also read items marked deleted (isDeleted: true).',
    },
  },
} as const;

/** Problems of a target record, before anything is sent (the engine calls it for every planned record). */
export function checkListItem(record: DataRecord): string[] {
  const { problems } = deriveCodes(record);
  return [...problems, ...listNameProblems(record.value)];
}

/** `sluice validate`: literal codes and names a transform assigns. */
export function lintListItemLiterals(fields: Record<string, string>): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const field of ['shortCode', 'code', 'parentCode'] as const) {
    const v = fields[field];
    if (v === undefined) continue;
    const segments = field === 'shortCode' ? [v] : v.split('-');
    for (const seg of segments) for (const message of listCodeProblems(seg)) out.push({ field, message });
  }
  if (fields.value !== undefined)
    for (const message of listNameProblems(fields.value)) out.push({ field: 'value', message });
  return out;
}

export const listItemsDefinition: ConcurDefinition = {
  name: 'list-items',
  definition: {
    description:
      'List v4 items of one list (hierarchical long codes such as SALES-CC100); written through the bulk API.',
    roles: ['source', 'lookup', 'target'],
    key: 'code',
    optionsSchema: listItemOptionsSchema,
    capabilities: {
      bulkSize: LIST_BULK_LIMIT,
      modes: ['create', 'upsert', 'mirror'],
      deleteActions: ['deactivate'],
      list: true,
    },
    check: checkListItem,
    lintLiterals: lintListItemLiterals,
  },
};
