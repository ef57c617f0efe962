import type { EvidenceFiles } from './evidence-files.ts';
import type { Fetcher } from './fetcher.ts';
import type { NormalizedListing, ParseFailure } from './listing.ts';
import { PageError, type FetchedPage, type PageRequest, type SourceAdapter, type SourceConfig } from './source-adapter.ts';

/** One page as the runner saw it: its evidence, and what the adapter made of it. */
export interface CrawledPage {
  url: string;
  fetchedAt: Date;
  outcome: 'ok' | 'failed';
  httpStatus: number | null;
  error: string | null;
  sha256: string | null;
  bytes: number | null;
  bodyPath: string | null;
  screenshotPath: string | null;
  screenshotSha256: string | null;
  listings: NormalizedListing[];
  failures: ParseFailure[];
}

export interface CrawlResult {
  /**
   * `complete` only when every page was read and the source was exhausted
   * within the page cap; `cancelled` when the signal aborted with pages
   * still to read (those in flight are dropped, not failed).
   */
  status: 'complete' | 'partial' | 'failed' | 'cancelled';
  error: string | null;
  pages: CrawledPage[];
}

export interface CrawlProgress {
  pagesDone: number;
  pagesFailed: number;
  pagesQueued: number;
  listings: number;
  lastUrl: string;
}

export interface CrawlSourceOptions {
  adapter: SourceAdapter;
  source: SourceConfig;
  fetcher: Fetcher;
  /** Where page bodies are kept as evidence; none when omitted. */
  evidence?: EvidenceFiles;
  /**
   * Cancels the crawl: no new page is launched, and the fetches in flight
   * end at once (the signal is handed to the fetcher); pages already read
   * are kept, and the run is `cancelled`.
   */
  signal?: AbortSignal;
  onProgress?: (progress: CrawlProgress) => void;
}

/**
 * The crawl loop, and only the loop: it asks the adapter for requests,
 * hands them to the fetcher (which owns rate limits, robots and retries),
 * gives pages back to the adapter, and follows the adapter's next requests
 * until none are left or the page cap is reached. Pages of a source are
 * launched concurrently; the per-host limiter decides when they really go.
 *
 * A page that cannot be fetched, or that the adapter rejects as a whole
 * (error envelope, layout change), is recorded as failed and makes the run
 * partial; the other pages' listings are kept.
 *
 * @example
 * const result = await crawlSource({ adapter, source, fetcher });
 */
export async function crawlSource(options: CrawlSourceOptions): Promise<CrawlResult> {
  const { adapter, source, fetcher } = options;
  const pages: CrawledPage[] = [];
  const seen = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let pending: PageRequest[] = [];
  let launched = 0;
  let capReached = false;
  let cancelled = false;
  let listings = 0;

  const enqueue = (requests: PageRequest[]) => {
    for (const request of requests) {
      const key = requestKey(request);
      if (seen.has(key)) continue;
      seen.add(key);
      pending.push(request);
    }
  };

  const visit = async (request: PageRequest) => {
    const page = await crawlPage(adapter, source, fetcher, request, options);
    if (page === null) {
      cancelled = true;
      return;
    }
    pages.push(page.crawled);
    listings += page.crawled.listings.length;
    enqueue(page.next);
    options.onProgress?.({
      pagesDone: pages.length,
      pagesFailed: pages.filter((p) => p.outcome === 'failed').length,
      pagesQueued: pending.length + inFlight.size - 1,
      listings,
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
    if (inFlight.size > 0) await Promise.race(inFlight);
  }

  return { ...outcome(pages, { capReached, cancelled, startError, maxPages: source.maxPages }), pages };
}

/** One page read and parsed; null when the crawl was cancelled before it was read. */
async function crawlPage(
  adapter: SourceAdapter,
  source: SourceConfig,
  fetcher: Fetcher,
  request: PageRequest,
  options: Pick<CrawlSourceOptions, 'evidence' | 'signal'>,
): Promise<{ crawled: CrawledPage; next: PageRequest[] } | null> {
  const { evidence, signal } = options;
  let fetched: FetchedPage;
  try {
    fetched = await fetcher.fetch(request, { respectRobots: source.politeness.respectRobots, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) return null;
    const status = (error as { status?: number }).status ?? null;
    return { crawled: failedPage(request.url, new Date(), status, (error as Error).message), next: [] };
  }
  const bodyPath = evidence ? await evidence.save(fetched.sha256, fetched.body, extensionOf(fetched)) : null;
  const base = {
    url: fetched.url,
    fetchedAt: fetched.fetchedAt,
    httpStatus: fetched.status,
    sha256: fetched.sha256,
    bytes: Buffer.byteLength(fetched.body),
    bodyPath,
    screenshotPath: fetched.evidence?.screenshotPath ?? null,
    screenshotSha256: fetched.evidence?.screenshotSha256 ?? null,
  };
  try {
    const parsed = adapter.parse(fetched, request, source);
    return { crawled: { ...base, outcome: 'ok', error: null, listings: parsed.listings, failures: parsed.failures }, next: parsed.next };
  } catch (error) {
    // A page failed as a layout change keeps its raw rows; its listings are dropped, never half-trusted.
    const failures = error instanceof PageError ? error.failures : [];
    return { crawled: { ...base, outcome: 'failed', error: (error as Error).message, listings: [], failures }, next: [] };
  }
}

function failedPage(url: string, at: Date, status: number | null, error: string): CrawledPage {
  return {
    url,
    fetchedAt: at,
    outcome: 'failed',
    httpStatus: status,
    error,
    sha256: null,
    bytes: null,
    bodyPath: null,
    screenshotPath: null,
    screenshotSha256: null,
    listings: [],
    failures: [],
  };
}

function outcome(
  pages: CrawledPage[],
  why: { capReached: boolean; cancelled: boolean; startError: string | null; maxPages: number },
): Pick<CrawlResult, 'status' | 'error'> {
  if (why.startError) return { status: 'failed', error: why.startError };
  const failed = pages.filter((p) => p.outcome === 'failed');
  if (why.cancelled) {
    const read = `${pages.length - failed.length} pages read, ${failed.length} failed`;
    return { status: 'cancelled', error: `cancelled before the source was exhausted (${read})` };
  }
  if (pages.length === 0) return { status: 'failed', error: 'the adapter planned no pages' };
  if (failed.length === pages.length) return { status: 'failed', error: `every page failed; first: ${failed[0]!.url}: ${failed[0]!.error}` };
  const reasons: string[] = [];
  if (failed.length > 0) reasons.push(`${failed.length} of ${pages.length} pages failed; first: ${failed[0]!.url}: ${failed[0]!.error}`);
  if (why.capReached) reasons.push(`stopped at the page cap (${why.maxPages} pages) before the source was exhausted`);
  return reasons.length > 0 ? { status: 'partial', error: reasons.join('; ') } : { status: 'complete', error: null };
}

function requestKey(request: PageRequest): string {
  return `${request.method ?? 'GET'} ${request.url} ${request.body ?? ''}`;
}

function extensionOf(page: FetchedPage): string {
  const type = page.headers['content-type'] ?? '';
  if (type.includes('json')) return 'json';
  if (type.includes('html')) return 'html';
  return 'txt';
}
