/**
 * List item codes. A long code is the parent's long code, a hyphen, and the item's short code
 * (level 1: the short code itself), so a hyphen inside a short code or a name cannot be told from
 * the level delimiter: Concur does not support it.
 */
export const MAX_CODE_LENGTH = 32;
export const MAX_NAME_LENGTH = 64;

/** Problems with one level's code (a short code, or one segment of a literal long code). */
export function listCodeProblems(code: string): string[] {
  if (typeof code !== 'string' || code.trim() === '') return ['a list item code cannot be empty'];
  const problems: string[] = [];
  if (code.includes('-'))
    problems.push(`list item code "${code}" contains a hyphen, which Concur reads as the level delimiter`);
  if (code !== code.trim()) problems.push(`list item code "${code}" has leading or trailing spaces`);
  if (code.length > MAX_CODE_LENGTH)
    problems.push(`list item code "${code}" is longer than ${MAX_CODE_LENGTH} characters`);
  return problems;
}

export function listNameProblems(name: unknown): string[] {
  if (typeof name !== 'string' || name.trim() === '') return ['a list item needs a non-empty value (name)'];
  const problems: string[] = [];
  if (name.includes('-'))
    problems.push(`list item name "${name}" contains a hyphen, which Concur reads as the level delimiter`);
  if (name.length > MAX_NAME_LENGTH)
    problems.push(`list item name "${name}" is longer than ${MAX_NAME_LENGTH} characters`);
  return problems;
}

export interface ListItemCodes {
  code: string;
  shortCode: string;
  parentCode: string | undefined;
  level: number;
}

/** Codes of a record that carries `code` (long) or `shortCode` + optional `parentCode`. */
export function deriveCodes(record: Record<string, unknown>): { codes?: ListItemCodes; problems: string[] } {
  const shortCode = record.shortCode;
  const parentRaw = record.parentCode;
  const parentCode = typeof parentRaw === 'string' && parentRaw !== '' ? parentRaw : undefined;
  let codes: ListItemCodes;
  if (typeof shortCode === 'string') {
    const code = parentCode ? `${parentCode}-${shortCode}` : shortCode;
    if (typeof record.code === 'string' && record.code !== code) {
      return { problems: [`code "${record.code}" does not match parentCode + shortCode ("${code}")`] };
    }
    codes = { code, shortCode, parentCode, level: parentCode ? parentCode.split('-').length + 1 : 1 };
  } else if (typeof record.code === 'string' && record.code !== '') {
    const segments = record.code.split('-');
    codes = {
      code: record.code,
      shortCode: segments.at(-1)!,
      parentCode: segments.length > 1 ? segments.slice(0, -1).join('-') : undefined,
      level: segments.length,
    };
    if (segments.some((s) => s === '')) return { problems: [`code "${record.code}" has an empty level`] };
  } else {
    return { problems: ['a list item needs `code` (long code) or `shortCode`'] };
  }
  const problems = [
    ...listCodeProblems(codes.shortCode),
    ...(codes.parentCode ?? '')
      .split('-')
      .filter((s) => s !== '' && s.trim() !== s)
      .map((s) => `parent code segment "${s}" has spaces`),
  ];
  return { codes, problems };
}
