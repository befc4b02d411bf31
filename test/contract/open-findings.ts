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

/**
 * None open now. The last one (SCIM user creates without User Provisioning's required timezone,
 * preferredLanguage, enterprise companyId and startDate) was fixed on main by createDefaults in
 * erp-db-users-to-concur; the traffic of every e2e pipeline test and the demo shows none left.
 */
export const OPEN_FINDINGS: OpenFinding[] = [];

export function isOpen(m: Mismatch, findings: readonly OpenFinding[] = OPEN_FINDINGS): OpenFinding | undefined {
  return findings.find((f) => f.system === m.system && f.request.test(m.request) && f.message.test(m.message));
}

/** Splits mismatches into those that fail (`failing`) and those an open finding already lists (`open`). */
export function triage(
  mismatches: readonly Mismatch[],
  findings: readonly OpenFinding[] = OPEN_FINDINGS,
): { failing: Mismatch[]; open: { finding: OpenFinding; mismatch: Mismatch }[] } {
  const failing: Mismatch[] = [];
  const open: { finding: OpenFinding; mismatch: Mismatch }[] = [];
  for (const mismatch of mismatches) {
    const finding = isOpen(mismatch, findings);
    if (finding) open.push({ finding, mismatch });
    else failing.push(mismatch);
  }
  return { failing, open };
}

/** The open findings that traffic hit, each once with how often and one example (printed, never silent). */
export function formatOpenFindings(
  hits: readonly { finding: OpenFinding; mismatch: Mismatch }[],
  file: string,
): string {
  if (hits.length === 0) return '';
  const byFinding = new Map<OpenFinding, { count: number; example: Mismatch }>();
  for (const { finding, mismatch } of hits) {
    const seen = byFinding.get(finding);
    if (seen) seen.count += 1;
    else byFinding.set(finding, { count: 1, example: mismatch });
  }
  const lines = [
    `${byFinding.size} open contract finding(s) hit in ${file} (test/contract/open-findings.ts; not failing):`,
  ];
  for (const [finding, { count, example }] of byFinding) {
    lines.push(`  ${finding.system}: ${finding.owner} (${count} mismatch(es))`);
    lines.push(`    e.g. ${example.request.slice(0, 120)}: ${example.message}`);
    lines.push(`    evidence: ${finding.evidence}`);
  }
  return lines.join('\n');
}
