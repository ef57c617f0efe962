import type { FetchErrorKind } from './fetch-error.ts';

/**
 * Hooks a fetcher calls as it works, for whoever counts (metrics, logs):
 * the crawler imports no metrics library, the application hands in an
 * observer. Each hook is optional and must not throw.
 *
 * @example
 * ```ts
 * const observer: FetchObserver = { exchange: (e) => histogram.observe({ host: e.host }, e.durationMs / 1000) };
 * const http = new HttpFetcher({ limiter, observer });
 * ```
 */
export interface FetchObserver {
  /** One attempt ended: an HTTP request (each hop, robots.txt too) or a browser render, timed from its limiter slot. */
  exchange?(event: ExchangeEvent): void;
  /** One `fetch()` call ended with a page, or failed for good (a cancelled call is neither). */
  outcome?(event: OutcomeEvent): void;
}

export interface ExchangeEvent {
  fetcher: 'http' | 'browser';
  host: string;
  url: string;
  durationMs: number;
  /** The HTTP status, when the server answered. */
  status: number | null;
  /** Why it failed, when it did. */
  error: FetchErrorKind | null;
}

export interface OutcomeEvent {
  fetcher: 'http' | 'browser';
  host: string;
  url: string;
  ok: boolean;
  /** The kind of the last error, when it failed. */
  error: FetchErrorKind | null;
}
