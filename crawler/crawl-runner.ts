import { setMaxListeners } from 'node:events';
import type { ExchangeArchive } from './evidence/exchange.ts';
import type { ArchivedExchange, WarcWriter } from './evidence/warc-writer.ts';
import type { Fetcher } from './fetcher.ts';
import type { NormalizedListing, ParseFailure } from './listing.ts';
import { pageRetryPolicy, retryTransient } from './page-retry.ts';
import { PageError, type FetchedPage, type PageRequest, type SourceAdapter, type SourceConfig } from './source-adapter.ts';

/** One page as the runner saw it: its evidence, and what the adapter made of it. */
export interface CrawledPage {
  /** The request's identity within a run (method, URL, body): what a resumed run skips by. */
  requestKey: string;
  url: string;
  fetchedAt: Date;
  outcome: 'ok' | 'failed';
  httpStatus: number | null;
  error: string | null;
  /** sha256 and size of the body as received, when a body was read. */
  sha256: string | null;
  bytes: number | null;
  /** The address of the server that answered the page. */
  serverIp: string | null;
  /** Every exchange made for the page (attempts, redirects, robots.txt, transient re-reads), as archived; none without an archive. */
  exchanges: ArchivedExchange[];
  listings: NormalizedListing[];
  failures: ParseFailure[];
  /** The requests this page led to. */
  next: PageRequest[];
}

export interface CrawlResult {
  /**
   * `complete` only when every page was read and the source was exhausted
   * within the page cap; `cancelled` when the signal aborted with pages
   * still to read (those in flight are dropped, not failed).
   */
  status: 'complete' | 'partial' | 'failed' | 'cancelled';
  error: string | null;
  /** Pages read in this call, and pages a resumed run had read before (`resumedPages`). */
  pagesOk: number;
  pagesFailed: number;
  resumedPages: number;
  /** Listings and parse failures of the pages read in this call. */
  listings: number;
  parseFailures: number;
}

export interface CrawlProgress {
  pagesDone: number;
  pagesFailed: number;
  pagesQueued: number;
  listings: number;
  lastUrl: string;
}

/** A page a run read before it was interrupted: the resumed run follows its next requests without fetching it again. */
export interface ReadPage {
  next: PageRequest[];
}

export interface CrawlSourceOptions {
  adapter: SourceAdapter;
  source: SourceConfig;
  fetcher: Fetcher;
  /** The run's WARC archive, where every exchange is kept as evidence; none kept when omitted. */
  archive?: Pick<WarcWriter, 'append'>;
  /**
   * Takes each page as soon as it is read, and resolves once it is stored
   * (the run's journal). A rejection aborts the crawl: a page that cannot
   * be stored must not be taken as read.
   */
  onPage?: (page: CrawledPage) => Promise<void>;
  /** Pages already read by an interrupted run of the same source, by request key. */
  resumeFrom?: ReadonlyMap<string, ReadPage>;
  /**
   * Cancels the crawl: no new page is launched, and the fetches in flight
   * end at once (the signal is handed to the fetcher); pages already read
   * are kept, and the run is `cancelled`.
   */
  signal?: AbortSignal;
  onProgress?: (progress: CrawlProgress) => void;
  /** How the page-retry backoff waits (see `page-retry.ts`); a timer when omitted. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The crawl loop, and only the loop: it asks the adapter for requests,
 * hands them to the fetcher (which owns rate limits, robots and retries),
 * gives pages back to the adapter, and follows the adapter's next requests
 * until none are left or the page cap is reached. Pages of a source are
 * launched concurrently; the per-host limiter decides when they really go.
 * Each page goes to `onPage` as it is read, so nothing is held for the end.
 *
 * A page that cannot be fetched, or that the adapter rejects as a whole
 * (error envelope, layout change), is recorded as failed and makes the run
 * partial; the other pages' listings are kept. A request found in
 * `resumeFrom` is not fetched again: its stored next requests are followed.
 * A page rejected as transient (busy envelope, captcha, cut short) is read
 * again first (`page-retry.ts`), and a failed page asks the adapter what
 * can be planned without it (`afterFailure`), so the pages after it are
 * still read.
 *
 * @example
 * const result = await crawlSource({ adapter, source, fetcher, onPage: (page) => journal.write(page) });
 */
export async function crawlSource(options: CrawlSourceOptions): Promise<CrawlResult> {
  const { adapter, source, fetcher } = options;
  // Every planned page waits on the crawl's signal (for robots.txt, then a limiter slot): many listeners on it
  // at once are expected, not a leak, so Node's warning at 11 is lifted for this signal.
  if (options.signal) setMaxListeners(0, options.signal);
  const seen = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const tally = { ok: 0, failed: 0, resumed: 0, listings: 0, parseFailures: 0, firstFailure: null as string | null };
  let pending: PageRequest[] = [];
  let launched = 0;
  let capReached = false;
  let cancelled = false;
  // Resolves the loop's wait when a page plans new requests before its own task ends.
  let wake = () => {};

  const enqueue = (requests: PageRequest[]) => {
    for (const request of requests) {
      const key = requestKey(request);
      if (seen.has(key)) continue;
      seen.add(key);
      pending.push(request);
    }
    if (pending.length > 0) wake();
  };

  const retry = pageRetryPolicy(source.politeness, options.sleep);
  const visit = async (request: PageRequest) => {
    const key = requestKey(request);
    const read = options.resumeFrom?.get(key);
    if (read) {
      tally.ok += 1;
      tally.resumed += 1;
      enqueue(read.next);
      return;
    }
    const exchanges = pageArchive(options.archive);
    const { outcome, attempts } = await retryTransient(() => crawlPage(adapter, source, fetcher, request, { ...options, exchanges }), (p) => p !== null && p.transient, retry);
    const page = outcome?.page ?? null;
    if (page === null) {
      cancelled = true;
      return;
    }
    if (attempts > 1 && page.error !== null) page.error += ` (${attempts} attempts)`;
    // The pages it leads to are fetched while it is stored: a crawl by next links does not wait for
    // each commit, and the pages that arrive meanwhile are stored together. Should the process die,
    // a page whose commit was lost is read again on resume, and it plans the same pages again.
    enqueue(page.next);
    await options.onPage?.(page);
    if (page.outcome === 'ok') tally.ok += 1;
    else {
      tally.failed += 1;
      tally.firstFailure ??= `${page.url}: ${page.error}`;
    }
    tally.listings += page.listings.length;
    tally.parseFailures += parseFailureCount([page]);
    options.onProgress?.({
      pagesDone: tally.ok + tally.failed,
      pagesFailed: tally.failed,
      pagesQueued: pending.length + inFlight.size - 1,
      listings: tally.listings,
      lastUrl: request.url,
    });
  };

  let startError: string | null = null;
  try {
    enqueue(adapter.startRequests(source));
  } catch (error) {
    startError = `${adapter.name} could not plan its first requests: ${(error as Error).message}`;
  }

  while (pending.length > 0 || inFlight.size > 0) {
    if (options.signal?.aborted && pending.length > 0) {
      cancelled = true;
      pending = [];
    }
    while (pending.length > 0) {
      if (launched >= source.maxPages) {
        capReached = true;
        pending = [];
        break;
      }
      launched += 1;
      const task = visit(pending.shift()!).finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
    if (inFlight.size > 0) await Promise.race([...inFlight, new Promise<void>((resolve) => (wake = resolve))]);
  }

  const why = { capReached, cancelled, startError, maxPages: source.maxPages };
  return {
    ...outcome(tally, why),
    pagesOk: tally.ok,
    pagesFailed: tally.failed,
    resumedPages: tally.resumed,
    listings: tally.listings,
    parseFailures: tally.parseFailures,
  };
}

/** One page read and parsed; null when the crawl was cancelled before it was read. */
async function crawlPage(
  adapter: SourceAdapter,
  source: SourceConfig,
  fetcher: Fetcher,
  request: PageRequest,
  options: Pick<CrawlSourceOptions, 'signal'> & { exchanges: PageArchive | undefined },
): Promise<{ page: CrawledPage; transient: boolean } | null> {
  const { signal, exchanges } = options;
  const planPast = () => adapter.afterFailure?.(request, source) ?? [];
  let fetched: FetchedPage;
  try {
    fetched = await fetcher.fetch(request, { respectRobots: source.politeness.respectRobots, ...(signal ? { signal } : {}), ...(exchanges ? { archive: exchanges } : {}) });
  } catch (error) {
    // Evidence that could not be written fails the crawl, as a page that cannot be stored does.
    if (exchanges?.failure) throw exchanges.failure.error;
    if (signal?.aborted) return null;
    const status = (error as { status?: number }).status ?? null;
    return { page: { ...failedPage(request, new Date(), status, (error as Error).message), exchanges: exchanges?.kept ?? [], next: planPast() }, transient: false };
  }
  const base = {
    requestKey: requestKey(request),
    url: fetched.url,
    fetchedAt: fetched.fetchedAt,
    httpStatus: fetched.status,
    sha256: fetched.sha256,
    bytes: fetched.bytes ?? Buffer.byteLength(fetched.body),
    serverIp: fetched.serverIp ?? null,
    exchanges: exchanges?.kept ?? [],
  };
  try {
    const parsed = adapter.parse(fetched, request, source);
    return { page: { ...base, outcome: 'ok', error: null, listings: parsed.listings, failures: parsed.failures, next: parsed.next }, transient: false };
  } catch (error) {
    // A page failed as a layout change keeps its raw rows; its listings are dropped, never half-trusted.
    const failures = error instanceof PageError ? error.failures : [];
    const transient = error instanceof PageError && error.transient;
    return { page: { ...base, outcome: 'failed', error: (error as Error).message, listings: [], failures, next: planPast() }, transient };
  }
}

/**
 * Parse failures a crawl's pages hold: rows lost, and fields of kept rows
 * that did not read or were cleaned — as many as the store records.
 *
 * @example
 * parseFailureCount(result.pages); // 3
 */
export function parseFailureCount(pages: readonly CrawledPage[]): number {
  return pages.reduce((n, page) => n + page.failures.length + page.listings.reduce((m, listing) => m + (listing.fieldFailures?.length ?? 0), 0), 0);
}

function failedPage(request: PageRequest, at: Date, status: number | null, error: string): CrawledPage {
  return {
    requestKey: requestKey(request),
    url: request.url,
    fetchedAt: at,
    outcome: 'failed',
    httpStatus: status,
    error,
    sha256: null,
    bytes: null,
    serverIp: null,
    exchanges: [],
    listings: [],
    failures: [],
    next: [],
  };
}

function outcome(
  tally: { ok: number; failed: number; firstFailure: string | null },
  why: { capReached: boolean; cancelled: boolean; startError: string | null; maxPages: number },
): Pick<CrawlResult, 'status' | 'error'> {
  if (why.startError) return { status: 'failed', error: why.startError };
  if (why.cancelled) return { status: 'cancelled', error: `cancelled before the source was exhausted (${tally.ok} pages read, ${tally.failed} failed)` };
  const pages = tally.ok + tally.failed;
  if (pages === 0) return { status: 'failed', error: 'the adapter planned no pages' };
  if (tally.ok === 0) return { status: 'failed', error: `every page failed; first: ${tally.firstFailure}` };
  const reasons: string[] = [];
  if (tally.failed > 0) reasons.push(`${tally.failed} of ${pages} pages failed; first: ${tally.firstFailure}`);
  if (why.capReached) reasons.push(`stopped at the page cap (${why.maxPages} pages) before the source was exhausted`);
  return reasons.length > 0 ? { status: 'partial', error: reasons.join('; ') } : { status: 'complete', error: null };
}

/** A request's identity within a run: method, URL and body. */
export function requestKey(request: PageRequest): string {
  return `${request.method ?? 'GET'} ${request.url} ${request.body ?? ''}`;
}

/** A page's exchanges as they are archived, in the order written, across its transient re-reads. */
interface PageArchive extends ExchangeArchive {
  kept: ArchivedExchange[];
  failure: { error: unknown } | null;
}

function pageArchive(archive: CrawlSourceOptions['archive']): PageArchive | undefined {
  if (!archive) return undefined;
  const page: PageArchive = {
    kept: [],
    failure: null,
    async record(exchange) {
      try {
        page.kept.push(await archive.append(exchange));
      } catch (error) {
        page.failure ??= { error };
        throw error;
      }
    },
  };
  return page;
}
