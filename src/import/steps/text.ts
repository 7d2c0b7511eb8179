/** Small text helpers shared by the import steps. Pure. */
import type { CellData } from '../../core/workbook.js';

/** A cell as text: dates as YYYY-MM-DD, empty cells undefined. */
export function text(c: CellData | undefined): string | undefined {
  if (!c || c.value === null) return undefined;
  if (c.value instanceof Date) return c.value.toISOString().slice(0, 10);
  return String(c.value);
}

/** Line breaks made `\n`, surrounding space trimmed. */
export const clean = (s: string): string => (s.indexOf('\r') < 0 ? s : s.replace(/\r\n?/g, '\n')).trim();

/** For comparing: cleaned, runs of space made one, lower case. */
export const fold = (s: string): string => {
  const c = clean(s);
  return (/\s\s|[^\S ]/.test(c) ? c.replace(/\s+/g, ' ') : c).toLowerCase();
};

/** One item per non-blank line. */
export const lines = (s: string | undefined): string[] =>
  (s ?? '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Text that is present and not only space. */
export const filled = (s: string | undefined): s is string => s !== undefined && s.trim() !== '';

/** Leading number of a cause/control cell: "0101 Messaging failure", "060301The …", "\n020402 …". */
export function splitNumber(s: string): { number?: string; text: string } {
  const m = /^(\d{2,8})(?:[.)]?\s+|(?=[A-Za-z]))([\s\S]*)$/.exec(s);
  if (!m) return { text: s };
  return { number: m[1]!, text: clean(m[2]!) };
}

/** Excel serial day number → ISO date (1900 date system, with Excel's phantom 29 Feb 1900). */
export function excelSerialToIso(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return undefined;
  const days = Math.floor(serial) - (serial >= 60 ? 25_569 : 25_568);
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}
