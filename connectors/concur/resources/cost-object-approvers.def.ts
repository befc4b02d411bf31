/**
 * `cost-object-approvers` (source, lookup, target): who approves which cost object, one record per
 * user, approval type and group, keyed by `approverKey` = `<userName>|<approvalType>|<approvalGroup>`
 * (userName in lower case); the options, key, record check and definition (reading and writing:
 * cost-object-approvers.ts).
 */
import type { DataRecord } from '../../../engine/connector/types.js';
import type { ConcurDefinition } from './resource.js';
import { userKey } from './user-key.js';
import { SCIM_BULK_LIMIT } from './write-limits.js';

export const APPROVAL_TYPES = ['report', 'payment', 'request', 'purchaseRequest'] as const;

export const approverOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    userFilter: {
      type: 'string',
      title: 'User filter',
      description: "Identity filter limiting the users listed (mirror mode reads every listed user's approvers).",
      examples: ['active eq true'],
    },
  },
} as const;

/** `expense` (UPS v4 table) and `report` (examples, v4.1) name the same type; `report` is sent. */
export function normaliseType(t: unknown): string {
  const s = String(t ?? 'report');
  return s === 'expense' ? 'report' : s;
}

export function approverKey(userName: unknown, approvalType: unknown, approvalGroup: unknown): string {
  return `${userKey(userName)}|${normaliseType(approvalType)}|${String(approvalGroup ?? '')}`;
}

export function checkApprover(record: DataRecord): string[] {
  const problems: string[] = [];
  if (typeof record.userName !== 'string' || record.userName === '')
    problems.push('a cost-object approver needs userName');
  if (typeof record.approvalGroup !== 'string')
    problems.push('a cost-object approver needs approvalGroup (the long list code, blank for the global group)');
  if (!(APPROVAL_TYPES as readonly string[]).includes(normaliseType(record.approvalType)))
    problems.push(`approvalType must be one of ${APPROVAL_TYPES.join(', ')}`);
  const key = approverKey(record.userName, record.approvalType, record.approvalGroup);
  if (typeof record.approverKey === 'string' && record.approverKey !== key)
    problems.push(`approverKey must be "${key}"`);
  return problems;
}

export const costObjectApproversDefinition: ConcurDefinition = {
  name: 'cost-object-approvers',
  definition: {
    description:
      'Cost-object approvers (User Provisioning ApproverLimit extension, costObjectApprover), one record per user, approval type and approval group.',
    roles: ['source', 'lookup', 'target'],
    key: 'approverKey',
    optionsSchema: approverOptionsSchema,
    capabilities: {
      bulkSize: SCIM_BULK_LIMIT,
      modes: ['create', 'upsert', 'mirror'],
      deleteActions: ['delete'],
      list: true,
    },
    check: checkApprover,
  },
};
