import type { NormalizedListing, ParseFailure } from './listing.ts';

/**
 * A marketplace adapter: knows pages, not storage (Scrapy's spider).
 * It plans the first requests, and turns each fetched page into listings,
 * parse failures and the next requests. It never fetches by itself.
 */
export interface SourceAdapter {
  /** Registry name, e.g. `demo-api`. */
  readonly name: string;
  readonly kind: SourceKind;
  /** Which fetcher reads its pages. */
  readonly fetcher: 'http' | 'browser';
  /** Public host used when the source has no base URL configured. */
  readonly defaultBaseUrl: string;
  readonly description: string;
  /** Operators and listings are keyed per platform; sources of one platform share them. */
  readonly platform: string;
  /** Where the platform is hosted (ISO 3166 alpha-2), when known. */
  readonly hostCountry?: string;
  /** Parameters a new source of this adapter starts with. */
  readonly defaultParams?: Record<string, unknown>;
  /** Politeness a new source of this adapter starts with. */
  readonly defaultPoliteness?: Partial<PolitenessConfig>;
  startRequests(source: SourceConfig): PageRequest[];
  parse(page: FetchedPage, request: PageRequest, source: SourceConfig): ParsedPage;
  /**
   * The requests that can be planned without a page that failed (after its
   * retries): the next page number or offset, so one failed page does not
   * end the crawl. Called by the crawl runner for each failed page; none
   * when absent. A request planned here should not plan past a second
   * failure in a row (see `pastFailure`), or a source that has ended would
   * be paged until the page cap.
   */
  afterFailure?(request: PageRequest, source: SourceConfig): PageRequest[];
}

export type SourceKind = 'api' | 'html' | 'browser' | 'declarative';

/** How one configured source is crawled: the `sources` row an adapter is given. */
export interface SourceConfig {
  id: string;
  adapter: string;
  baseUrl: string;
  /** Adapter-specific parameters (asset × fiat × side matrix, filters, ...). */
  params: Record<string, unknown>;
  politeness: PolitenessConfig;
  /** Maximum pages of one crawl; reaching it makes the run partial. */
  maxPages: number;
}

export interface PolitenessConfig {
  /** Requests allowed per `intervalMs` to one host; 0 = unlimited. */
  requestsPerInterval: number;
  intervalMs: number;
  /** Requests in flight to one host at once. */
  concurrency: number;
  /** Minimum time between two request starts to one host. */
  minGapMs: number;
  /** Honour robots.txt; a source may set false explicitly. */
  respectRobots: boolean;
  /** Times a page that failed as transient (a busy envelope, a captcha, a cut page) is fetched again. @default 2 */
  pageRetries?: number;
  /** Wait before the first such retry; doubles on each. @default 2000 */
  pageRetryDelayMs?: number;
}

export interface PageRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Adapter state carried to `parse` (page number, matrix cell, ...). */
  meta?: Record<string, unknown>;
  /** For browser pages: what must be on the page before it is read. */
  readiness?: Readiness;
}

export type Readiness =
  | { selector: string }
  | { response: string }
  | { function: string };

export interface FetchedPage {
  /** Final URL after redirects. */
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  fetchedAt: Date;
  /** sha256 of the body bytes as received (for a browser page, of the document the server sent). */
  sha256: string;
  /** Size of those bytes; the body's UTF-8 length when omitted. */
  bytes?: number;
  /** The address of the server that answered, from the connection; null when unknown. */
  serverIp?: string | null;
  /** Byte runs of the body that are not valid in its charset (decoded as U+FFFD); absent when none or not checked. */
  undecodable?: UndecodableBytes[];
}

/** A run of body bytes the decoder could not read: kept as hex so a parse failure can show what the server really sent. */
export interface UndecodableBytes {
  /** Offset of the first bad byte in the body. */
  offset: number;
  /** The bad bytes, `c3 28`. */
  hex: string;
  /** The decoded text around them, U+FFFD in their place: how a field's text is matched back to its bytes. */
  context: string;
}

export interface ParsedPage {
  listings: NormalizedListing[];
  failures: ParseFailure[];
  next: PageRequest[];
}

/**
 * Thrown by `parse` when a whole page is unusable (error envelope, layout
 * change). It may carry the rows that failed to parse, so a page failed as a
 * layout change still keeps its raw rows as evidence.
 *
 * A `transient` page error (a "system busy" envelope, a captcha, a page cut
 * short) is fetched again by the crawl runner before the page fails.
 *
 * @example
 * throw new PageError(`${url}: 5 of 5 rows failed to parse — layout changed?`, { failures });
 * throw new PageError(`${url}: error envelope code 5003: 系统繁忙`, { transient: true });
 */
export class PageError extends Error {
  override readonly name = 'PageError';
  readonly failures: ParseFailure[];
  /** The page may read fine when fetched again: a "system busy" envelope, a captcha, a page cut short. */
  readonly transient: boolean;

  constructor(message: string, options?: ErrorOptions & { failures?: ParseFailure[]; transient?: boolean }) {
    super(message, options);
    this.failures = options?.failures ?? [];
    this.transient = options?.transient ?? false;
  }
}

/**
 * Marks a request planned past a failed page, so the adapter's
 * `afterFailure` does not plan past a second failure in a row.
 *
 * @example
 * afterFailure(request, source) {
 *   return isPastFailure(request) ? [] : [pastFailure(nextPageRequest(request))];
 * }
 */
export function pastFailure(request: PageRequest): PageRequest {
  return { ...request, meta: { ...request.meta, pastFailure: true } };
}

/** Whether a request was planned past a failed page (see `pastFailure`). */
export function isPastFailure(request: PageRequest): boolean {
  return request.meta?.pastFailure === true;
}
