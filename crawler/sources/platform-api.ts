import { jsonText } from '../normalize/json-text.ts';
import type { NormalizedListing, ParseFailure } from '../listing.ts';
import type { ListingContext, RawListing } from '../normalize/listing.ts';
import { PageError, type FetchedPage, type PageRequest, type ParsedPage } from '../source-adapter.ts';
import { describeMatrixPage, matrixMeta, matrixPageOf, type MatrixPage } from './crawl-matrix.ts';
import { jsonBody } from './json-body.ts';
import { pageOrigin, parseRows } from './parse-rows.ts';

/**
 * An endpoint under a source's base URL. A path in the base URL is kept
 * (`https://www.htx.com/-/x/otc` + `/v1/data/trade-market`), so a platform
 * that moves its API under a prefix needs a config change, not a code change.
 *
 * @example
 * apiUrl('https://www.okx.com', '/v3/c2c/tradingOrders/books', { side: 'sell' }); // "https://www.okx.com/v3/c2c/tradingOrders/books?side=sell"
 */
export function apiUrl(baseUrl: string, path: string, query?: Record<string, string>): string {
  const url = new URL(baseUrl);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  url.search = query ? new URLSearchParams(query).toString() : '';
  url.hash = '';
  return url.toString();
}

/**
 * A request for one matrix page: a GET, or a POST of `body` as JSON.
 *
 * @example
 * matrixRequest({ cell, page: 1 }, apiUrl(source.baseUrl, '/fiat/otc/item/online'), { tokenId: 'USDT', page: '1' });
 */
export function matrixRequest(at: MatrixPage, url: string, body?: Record<string, unknown>): PageRequest {
  if (body === undefined) return { url, headers: { accept: 'application/json' }, meta: matrixMeta(at) };
  return {
    url,
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
    meta: matrixMeta(at),
  };
}

/**
 * Runs a matrix adapter's page parser on the page's JSON body. A page
 * failure (not JSON, error envelope, layout change) is prefixed with the
 * cell and page it was, since POST pages all share one URL.
 *
 * @example
 * parse(page, request, source) {
 *   return parseMatrixPage(page, request, (at, body) => parseSearchPage(page, at, body, source));
 * }
 */
export function parseMatrixPage(page: FetchedPage, request: PageRequest, parse: (at: MatrixPage, body: unknown) => ParsedPage): ParsedPage {
  const at = matrixPageOf(request);
  try {
    return parse(at, jsonBody(page));
  } catch (error) {
    if (!(error instanceof PageError)) throw error;
    throw new PageError(`${describeMatrixPage(at)}: ${error.message}`, { failures: error.failures, transient: error.transient, cause: error });
  }
}

/**
 * Fails the page on a platform's error envelope (rate limited, bad
 * parameters, maintenance): an HTTP 200 that carries no listings must never
 * be read as an empty book. The message quotes the platform's code and text.
 * A code in `transient` (the platform's "busy" and rate-limit codes) fails
 * it as transient, so the page is read again first.
 *
 * @example
 * failOnErrorEnvelope(page, { platform: 'OKX', ok: envelope.code === 0, code: envelope.code, message: envelope.msg, transient: [50011, 50013] });
 */
export function failOnErrorEnvelope(
  page: FetchedPage,
  envelope: { platform: string; ok: boolean; code: unknown; message: unknown; transient?: readonly (string | number)[] },
): void {
  if (envelope.ok) return;
  const message = typeof envelope.message === 'string' && envelope.message.trim() !== '' ? envelope.message : '(no message)';
  const code = envelope.code === undefined ? 'undefined' : jsonText(envelope.code);
  const transient = envelope.transient?.some((known) => String(known) === String(envelope.code)) ?? false;
  throw new PageError(`${page.url}: ${envelope.platform} error envelope code ${code}: ${message}${transient ? ' (busy: transient)' : ''}`, { transient });
}

/**
 * Parses a page's JSON rows through `parseRows`, each kept as its JSON text
 * when it fails, and failing names the platform's field from `fieldPaths`.
 *
 * @example
 * const parsed = parseJsonRows(page, rows, { platform: 'okx', fieldPaths: FIELDS, extract: (row) => toRawListing(row, at.cell) });
 */
export function parseJsonRows(
  page: FetchedPage,
  rows: readonly unknown[],
  options: { platform: string; fieldPaths: NonNullable<ListingContext['fieldPaths']>; extract: (row: unknown) => RawListing },
): { listings: NormalizedListing[]; failures: ParseFailure[] } {
  return parseRows(rows, { ...options, raw: jsonText, ...pageOrigin(page) });
}
