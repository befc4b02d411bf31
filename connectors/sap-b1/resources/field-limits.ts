/**
 * Checks before anything is sent: string field lengths (DI API table sizes; the Service Layer
 * rejects longer values), one problem message per violation.
 */
import type { DataRecord } from '../../../engine/connector/types.js';

export function lengthProblems(record: DataRecord, limits: Record<string, number>, where = ''): string[] {
  const problems: string[] = [];
  for (const [field, max] of Object.entries(limits)) {
    const v = record[field];
    if (typeof v === 'string' && v.length > max)
      problems.push(`${where}${field} is ${v.length} characters long; SAP Business One allows ${max}`);
  }
  return problems;
}

/** The record check of a resource whose rule is field lengths only (master-data targets' `check`). */
export function lengthCheck(limits: Record<string, number>): (record: DataRecord) => string[] {
  return (record) => lengthProblems(record, limits);
}

export function linesOf(record: DataRecord, field: string): DataRecord[] {
  const v = record[field];
  return Array.isArray(v) ? (v.filter((l) => l !== null && typeof l === 'object') as DataRecord[]) : [];
}
