/**
 * Diagnostics: every problem found before a run, with its place (file:line:col), a stable code and a
 * message that says what to do. Printed as text, JSON or GitHub annotations.
 */
export const SEVERITIES = ['error', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  code: string;
  message: string;
  severity: Severity;
}

export const DIAGNOSTIC_FORMATS = ['text', 'json', 'github'] as const;
export type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code),
  );
}

/** Drops exact repeats (the same problem reached through two checks). */
export function uniqueDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.file}:${d.line}:${d.col}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function githubEscape(s: string, property = false): string {
  let out = s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  if (property) out = out.replace(/:/g, '%3A').replace(/,/g, '%2C');
  return out;
}

export function formatDiagnostics(list: Diagnostic[], format: DiagnosticFormat): string {
  const sorted = sortDiagnostics(uniqueDiagnostics(list));
  if (format === 'json') {
    const errors = sorted.filter((d) => d.severity === 'error').length;
    return (
      JSON.stringify({ valid: errors === 0, errors, warnings: sorted.length - errors, diagnostics: sorted }, null, 2) +
      '\n'
    );
  }
  if (format === 'github') {
    return sorted
      .map(
        (d) =>
          `::${d.severity} file=${githubEscape(d.file, true)},line=${d.line},col=${d.col},title=${githubEscape(d.code, true)}::${githubEscape(d.message)}`,
      )
      .map((l) => l + '\n')
      .join('');
  }
  return sorted
    .map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}\n`)
    .join('');
}
