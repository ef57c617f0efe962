import type { NormalizedListing, ParseFailure } from '../listing.ts';
import { normalizeListing, type ListingContext, type RawListing } from '../normalize/listing.ts';
import { escapeControls } from '../normalize/text-hygiene.ts';
import { PageError, type FetchedPage, type UndecodableBytes } from '../source-adapter.ts';

export interface ParseRowsOptions<Row> {
  platform: string;
  url: string;
  /** The row as evidence text: JSON for API rows, outer HTML for page rows. */
  raw: (row: Row) => string;
  /** Pulls the loosely-typed fields out of a row; may throw naming a field. */
  extract: (row: Row) => RawListing;
  /** Where each field sits in the platform's row (`{ price: 'adv.price' }`), so a failure names the platform's field. */
  fieldPaths?: ListingContext['fieldPaths'];
  /**
   * Share of a page's rows that may fail before the whole page is failed as
   * a layout change (judged on pages of at least 4 rows; a page whose every
   * row fails is always failed). @default 0.5
   */
  maxFailureShare?: number;
  /** The page's undecodable bytes (`FetchedPage.undecodable`), so a field holding U+FFFD is noted with its raw bytes. */
  undecodable?: readonly UndecodableBytes[];
}

/** Below this many rows one bad row is too large a share to mean anything; only "all failed" counts. */
const MIN_ROWS_FOR_SHARE = 4;
const DEFAULT_MAX_FAILURE_SHARE = 0.5;

/**
 * Turns a page's rows into listings, one row at a time: a row that fails
 * becomes a parse failure with its raw text and the failing field, and
 * never stops the others; a kept row's field failures carry the row's raw
 * text too. Every adapter parses its rows through here.
 *
 * When too many rows fail (see `maxFailureShare`) the page itself is
 * unusable: a renamed field breaks every row alike, and storing the few
 * rows that happen to survive would read as the others vanishing. It throws
 * `PageError` carrying the failures, so the page fails, the run is partial
 * and the raw rows are kept. An empty row list is not judged here: whether
 * it means "no results" is the platform's to say.
 *
 * @example
 * const { listings, failures } = parseRows(body.data, { platform: 'binance', url, raw: JSON.stringify, extract: toRawListing, fieldPaths: { price: 'adv.price' } });
 */
export function parseRows<Row>(rows: readonly Row[], options: ParseRowsOptions<Row>): { listings: NormalizedListing[]; failures: ParseFailure[] } {
  const listings: NormalizedListing[] = [];
  const failures: ParseFailure[] = [];
  const context: ListingContext = {
    platform: options.platform,
    url: options.url,
    ...(options.fieldPaths ? { fieldPaths: options.fieldPaths } : {}),
    ...(options.undecodable ? { undecodable: options.undecodable } : {}),
  };
  for (const row of rows) {
    try {
      const listing = normalizeListing(options.extract(row), context);
      const fieldFailures = listing.fieldFailures ?? [];
      listings.push(fieldFailures.length === 0 ? listing : { ...listing, fieldFailures: fieldFailures.map((f) => ({ ...f, raw: safeRaw(options.raw, row) })) });
    } catch (error) {
      failures.push({
        raw: safeRaw(options.raw, row),
        error: (error as Error).message,
        fieldPath: (error as { fieldPath?: string }).fieldPath ?? null,
        url: options.url,
      });
    }
  }
  if (tooManyFailed(failures.length, rows.length, options.maxFailureShare ?? DEFAULT_MAX_FAILURE_SHARE)) {
    throw new PageError(
      `${options.url}: ${failures.length} of ${rows.length} rows failed to parse — layout changed? First: ${failures[0]!.error}`,
      { failures },
    );
  }
  return { listings, failures };
}

/**
 * The `url` and `undecodable` options of the rows of one fetched page.
 *
 * @example
 * parseRows(rows, { platform: 'demo', raw: jsonText, extract, ...pageOrigin(page) });
 */
export function pageOrigin(page: FetchedPage): Pick<ParseRowsOptions<unknown>, 'url' | 'undecodable'> {
  return { url: page.url, ...(page.undecodable ? { undecodable: page.undecodable } : {}) };
}

function tooManyFailed(failed: number, total: number, maxShare: number): boolean {
  if (failed === 0) return false;
  if (failed === total) return true;
  return total >= MIN_ROWS_FOR_SHARE && failed / total > maxShare;
}

/** The row as evidence text, control characters escaped so the text always stores. */
function safeRaw<Row>(raw: (row: Row) => string, row: Row): string {
  try {
    return escapeControls(raw(row));
  } catch {
    return escapeControls(String(row));
  }
}
