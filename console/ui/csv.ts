/**
 * CSV for the console's exports. Excel on Chinese Windows reads a file without a byte-order mark as
 * GBK and garbles every Chinese character; with the UTF-8 BOM it reads UTF-8. Pure: no DOM.
 */
export const UTF8_BOM = '\uFEFF';

export type Cell = string | number | null | undefined;

function cell(value: Cell): string {
  const text = value === null || value === undefined ? '' : String(value);
  // A leading = + - @ would be run as a formula by spreadsheet programs: keep it as text.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 rows (CRLF), with the BOM first. */
export function toCsv(header: string[], rows: Cell[][]): string {
  return UTF8_BOM + [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
