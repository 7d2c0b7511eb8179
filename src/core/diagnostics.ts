/** A problem found in the safety folder, always tied to a file position a person can open. */
export interface Diagnostic {
  /** Repository-relative POSIX path. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  severity: 'error' | 'warning';
  /** Stable rule identifier, e.g. `schema`, `risk-mismatch`, `evidence-missing`. */
  code: string;
  /** What is wrong and what would be right. */
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const kind = d.severity === 'warning' ? 'warning: ' : '';
  return `${d.file}:${d.line}:${d.col}: ${kind}${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message),
  );
}
