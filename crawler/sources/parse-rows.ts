import type { NormalizedListing, ParseFailure } from '../listing.ts';
import { normalizeListing, type RawListing } from '../normalize/listing.ts';

export interface ParseRowsOptions<Row> {
  platform: string;
  url: string;
  /** The row as evidence text: JSON for API rows, outer HTML for page rows. */
  raw: (row: Row) => string;
  /** Pulls the loosely-typed fields out of a row; may throw naming a field. */
  extract: (row: Row) => RawListing;
}

/**
 * Turns a page's rows into listings, one row at a time: a row that fails
 * becomes a parse failure with its raw text and the failing field, and
 * never stops the others. Every adapter parses its rows through here.
 *
 * @example
 * const { listings, failures } = parseRows(body.data, { platform: 'binance', url, raw: JSON.stringify, extract: toRawListing });
 */
export function parseRows<Row>(rows: readonly Row[], options: ParseRowsOptions<Row>): { listings: NormalizedListing[]; failures: ParseFailure[] } {
  const listings: NormalizedListing[] = [];
  const failures: ParseFailure[] = [];
  for (const row of rows) {
    try {
      listings.push(normalizeListing(options.extract(row), { platform: options.platform, url: options.url }));
    } catch (error) {
      failures.push({
        raw: safeRaw(options.raw, row),
        error: (error as Error).message,
        fieldPath: (error as { fieldPath?: string }).fieldPath ?? null,
        url: options.url,
      });
    }
  }
  return { listings, failures };
}

function safeRaw<Row>(raw: (row: Row) => string, row: Row): string {
  try {
    return raw(row);
  } catch {
    return String(row);
  }
}
