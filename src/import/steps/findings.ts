/**
 * The findings collector: every normalisation and ambiguity the steps report, grouped by what was
 * found (kind, code, message) with every cell it applies to, in the order first reported.
 */
import type { Finding, FindingKind } from '../types.js';

/** At most this many cells are listed for one finding (a 50,000-row sheet stays readable). */
const MAX_FINDING_CELLS = 10_000;

export class Findings {
  private readonly byKey = new Map<string, Finding>();
  /** For findings with many cells: the cells already listed (small lists are searched instead). */
  private readonly seenCells = new Map<Finding, Set<string>>();

  /** Record a finding at the given cells; the same finding reported again gains the new cells. */
  add(kind: FindingKind, code: string, message: string, ...cells: string[]): void {
    const key = `${kind}\u0000${code}\u0000${message}`;
    let finding = this.byKey.get(key);
    if (!finding) {
      finding = { kind, code, message, cells: [] };
      this.byKey.set(key, finding);
    }
    for (const cell of cells) {
      if (finding.cells.length >= MAX_FINDING_CELLS || this.listed(finding, cell)) continue;
      finding.cells.push(cell);
      this.seenCells.get(finding)?.add(cell);
    }
  }

  private listed(finding: Finding, cell: string): boolean {
    const seen = this.seenCells.get(finding);
    if (seen) return seen.has(cell);
    if (finding.cells.length < 16) return finding.cells.includes(cell);
    this.seenCells.set(finding, new Set(finding.cells));
    return this.seenCells.get(finding)!.has(cell);
  }

  list(): Finding[] {
    return [...this.byKey.values()];
  }
}
