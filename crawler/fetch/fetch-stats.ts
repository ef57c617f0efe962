import { FETCH_ERROR_KINDS, type FetchErrorKind } from './fetch-error.ts';

/**
 * What a fetcher did, as a first-class object (Crawlee's `Statistics`): the
 * crawl runner copies it into the run's outcome and benchmarks read it.
 * Counters only grow; take `snapshot()` before and after to measure a span.
 *
 * @example
 * ```ts
 * const fetcher = new HttpFetcher({ limiter });
 * await fetcher.fetch({ url });
 * console.log(fetcher.stats.snapshot()); // { requests: 1, pages: 1, retries: 0, ... }
 * ```
 */
export class FetchStats {
  /** HTTP requests sent: every attempt, every redirect hop, every robots.txt. */
  requests = 0;
  /** `fetch()` calls that returned a page. */
  pages = 0;
  /** Attempts that failed and were tried again. */
  retries = 0;
  /** Redirects followed. */
  redirects = 0;
  /** Response body bytes received (after content decoding). */
  bytes = 0;
  /** `fetch()` calls that finally failed, by the kind of their last error. */
  readonly failures: Record<FetchErrorKind, number> = Object.fromEntries(
    FETCH_ERROR_KINDS.map((kind) => [kind, 0]),
  ) as Record<FetchErrorKind, number>;
  /** Responses received, by HTTP status (`{ "200": 10, "429": 1 }`). */
  readonly statuses: Record<string, number> = {};

  /** Count one response status. */
  recordStatus(status: number): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
  }

  /** A plain copy, safe to store as JSON. */
  snapshot(): FetchStatsSnapshot {
    return {
      requests: this.requests,
      pages: this.pages,
      retries: this.retries,
      redirects: this.redirects,
      bytes: this.bytes,
      failures: { ...this.failures },
      statuses: { ...this.statuses },
    };
  }

  toJSON(): FetchStatsSnapshot {
    return this.snapshot();
  }
}

export interface FetchStatsSnapshot {
  requests: number;
  pages: number;
  retries: number;
  redirects: number;
  bytes: number;
  failures: Record<FetchErrorKind, number>;
  statuses: Record<string, number>;
}
