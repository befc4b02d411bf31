/**
 * `users` (source, lookup, target): Identity v4.1 users keyed by `userName`, written through User
 * Provisioning v4 SCIM bulk; the options, record check and definition (reading and writing: users.ts).
 */
import type { DataRecord } from '../../../engine/connector/types.js';
import { createDefaultsSchema } from './create-defaults.js';
import type { ConcurDefinition } from './resource.js';
import { SCIM_BULK_LIMIT } from './write-limits.js';

type Json = Record<string, unknown>;

export const userOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    filter: {
      type: 'string',
      title: 'SCIM filter',
      description: 'Only users matching this Identity filter, e.g. `active eq true`.',
      examples: ['active eq true'],
    },
    pageSize: {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 1000,
      title: 'Page size',
      description: 'Users per Identity v4.1 page.',
    },
    includeSpend: {
      type: 'boolean',
      default: false,
      title: 'Compare spend extensions',
      description:
        'Target: also read the spend extensions of looked-up users (one call per user) so they can be compared.',
    },
    createDefaults: createDefaultsSchema,
  },
} as const;

export function checkUser(record: DataRecord): string[] {
  const problems: string[] = [];
  if (typeof record.userName !== 'string' || record.userName === '') problems.push('a user needs userName');
  const name = record.name as Json | undefined;
  if (name !== undefined && (typeof name.givenName !== 'string' || typeof name.familyName !== 'string'))
    problems.push('name needs givenName and familyName');
  return problems;
}

export const usersDefinition: ConcurDefinition = {
  name: 'users',
  definition: {
    description:
      'Users (Identity v4.1 read, User Provisioning v4 SCIM bulk write with status polling), keyed by userName.',
    roles: ['source', 'lookup', 'target'],
    key: 'userName',
    optionsSchema: userOptionsSchema,
    capabilities: {
      bulkSize: SCIM_BULK_LIMIT,
      modes: ['create', 'upsert', 'mirror'],
      deleteActions: ['deactivate'],
      list: true,
    },
    check: checkUser,
  },
};
