import type { RawListing } from '../normalize/listing.ts';
import { RowParseError } from '../normalize/normalize-error.ts';
import type { FieldName } from './field-spec.ts';

/** Fields `normalizeListing` cannot do without; the others may be absent. */
const REQUIRED: ReadonlySet<FieldName> = new Set(['operatorName', 'side', 'asset', 'fiat', 'price']);

/** One mapped field, ready to read rows: where it reads from (for messages) and how. */
export interface CompiledField<Row> {
  name: FieldName;
  /** `selector "td.price"`, `path "adv.price"`: said when a required field finds nothing. */
  where: string;
  read(row: Row, params: Record<string, unknown>): unknown;
}

export interface RowReaderParts<Row> {
  fields: readonly CompiledField<Row>[];
  paymentMethods?: (row: Row) => unknown;
  /** Where the kind reads methods: JSON method fields are `structured`, HTML elements (icons, badges) `icon`. */
  paymentMethodSource?: 'structured' | 'icon';
  completionRateScale?: 'fraction' | 'percent';
}

/** Reads one row of a page into the loosely-typed `RawListing`, given the source's params. */
export type RowReader<Row> = (row: Row, params: Record<string, unknown>) => RawListing;

/**
 * Puts compiled fields together into a row reader, the same for every
 * kind. A required field that finds nothing fails the row naming the field
 * and where it looked, so a parse failure points at the selector to fix.
 *
 * @example
 * ```ts
 * const read = rowReader({ fields: [{ name: 'price', where: 'path "price"', read: (row) => row.price }, …] });
 * read({ price: '7.25', … }, {}); // { price: "7.25", … }
 * ```
 */
export function rowReader<Row>(parts: RowReaderParts<Row>): RowReader<Row> {
  return (row, params) => {
    const raw: Record<string, unknown> = { operatorName: undefined, side: undefined, asset: undefined, fiat: undefined, price: undefined };
    for (const field of parts.fields) {
      const value = field.read(row, params);
      if (isNothing(value) && REQUIRED.has(field.name)) throw new RowParseError(field.name, `${field.where} found nothing`);
      raw[field.name] = value;
    }
    if (parts.paymentMethods) raw.paymentMethods = parts.paymentMethods(row);
    if (parts.paymentMethodSource) raw.paymentMethodSource = parts.paymentMethodSource;
    if (parts.completionRateScale) raw.completionRateScale = parts.completionRateScale;
    return raw as unknown as RawListing;
  };
}

/**
 * Applies a field's `regex` to a read value: the first capture group, else
 * the whole match; no match reads as absent. Numbers are matched as text.
 *
 * @example
 * ```ts
 * matchRegex('成交 1,203 单', /([\d,]+)/u); // "1,203"
 * matchRegex('n/a', /(\d+)/u); // null
 * ```
 */
export function matchRegex(value: unknown, regex: RegExp | null): unknown {
  if (regex === null || value === null || value === undefined) return value;
  const match = regex.exec(String(value));
  return match ? (match[1] ?? match[0]) : null;
}

function isNothing(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}
