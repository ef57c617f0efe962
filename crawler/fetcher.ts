import type { ExchangeArchive } from './evidence/exchange.ts';
import type { FetchedPage, PageRequest } from './source-adapter.ts';

/** What the crawl runner needs of a fetcher; the HTTP and browser fetchers both are one. */
export interface Fetcher {
  fetch(request: PageRequest, options?: FetchOptions): Promise<FetchedPage>;
}

/**
 * Per-call options of `Fetcher.fetch`, handed unchanged to every policy and
 * to each single attempt (fetch-chain.ts), and to the robots.txt fetches
 * made on the call's behalf.
 *
 * @example
 * ```ts
 * const page = await fetcher.fetch(request, { respectRobots: source.politeness.respectRobots, signal: run.signal });
 * ```
 */
export interface FetchOptions {
  /** Check robots.txt before each request (the source's `politeness.respectRobots`). @default true */
  respectRobots?: boolean;
  /**
   * Cancels the call wherever it is: waiting for the host limiter, in a
   * request or a browser navigation, in a retry's backoff or a robots.txt
   * fetch. The call then rejects with `signal.reason`, which is not a
   * `FetchError`: a cancelled page did not fail, nobody wants it any more.
   */
  signal?: AbortSignal;
  /**
   * Keeps every exchange the call makes — each attempt, redirect hop and
   * robots.txt read, failed ones with what the server sent — as evidence
   * (the run's WARC archive). None kept when omitted.
   */
  archive?: ExchangeArchive;
}
