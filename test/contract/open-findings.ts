/**
 * Mismatches the contract check found that are neither a vendor contradiction nor a small fix: each
 * is listed with its evidence and who should take it up, matched narrowly (system, request, message)
 * so that anything new still fails. This is a to-do list, not an allowlist: fix the cause, then
 * delete the entry (test/contract/README.md).
 */
import type { Mismatch } from './mismatch.js';

export interface OpenFinding {
  system: string;
  /** Matched against `METHOD url` of the request. */
  request: RegExp;
  /** Matched against the mismatch message. */
  message: RegExp;
  evidence: string;
  owner: string;
}

export const OPEN_FINDINGS: OpenFinding[] = [
  {
    system: 'concur',
    request: /^POST \/profile\/v4\/Bulk\/?(\?|$)/,
    message:
      /^body\/Operations\/\d+\/data\/(timezone|preferredLanguage|urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User\/(companyId|startDate)) is missing; the spec requires it/,
    evidence:
      'User Provisioning v4 spec (v4-0/UserProvisioning.swagger2.json): User.required has timezone and preferredLanguage, EnterpriseUser.required has companyId and startDate. The users pipeline creates users (bulk POST /Users) without them, and sends enterprise employeeNumber without companyId (third-party UPS guides: "companyId: required if employeeNumber is used"). The emulator accepts such creates; a real UPS may refuse them per operation (HTTP 202, failure in the provision status).',
    owner: 'Concur connector / erp-db-users-to-concur pipeline (SCIM users)',
  },
];

export function isOpen(m: Mismatch): OpenFinding | undefined {
  return OPEN_FINDINGS.find((f) => f.system === m.system && f.request.test(m.request) && f.message.test(m.message));
}
