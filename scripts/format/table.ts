import { pad, textWidth, truncate } from './text-width.ts';

export interface TableOptions {
  /** Longest cell in columns before it is cut with an ellipsis. Default 48. */
  maxCellWidth?: number;
}

/**
 * Renders rows as an aligned plain-text table (numbers right-aligned),
 * the way `psql` does, for `otcwatch sql`, `runs` and `sources`.
 *
 * @example
 * console.log(formatTable([{ id: 1, name: '金沙承兑' }]));
 */
export function formatTable(rows: readonly Record<string, unknown>[], options: TableOptions = {}): string {
  if (rows.length === 0) return '(0 rows)';
  const maxCell = options.maxCellWidth ?? 48;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((row) => columns.map((c) => truncate(cellText(row[c]), maxCell)));
  const numeric = columns.map((_, i) => cells.every((r) => r[i] === '' || /^-?\d+(\.\d+)?$/.test(r[i]!)));
  const widths = columns.map((c, i) => Math.max(textWidth(c), ...cells.map((r) => textWidth(r[i]!))));
  const line = (values: string[]) => values.map((v, i) => pad(v, widths[i]!, numeric[i] ? 'right' : 'left')).join(' | ').trimEnd();
  const header = columns.map((c, i) => pad(c, widths[i]!)).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  const count = `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
  return [header, rule, ...cells.map(line), count].join('\n');
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\s+/g, ' ');
}
