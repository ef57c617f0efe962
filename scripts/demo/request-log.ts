/** One request the demo marketplace received. */
export interface RequestLogEntry {
  /** Arrival, wall clock (`Date.now()`). */
  readonly at: number;
  /** Arrival, monotonic (`performance.now()`): use this to measure gaps between requests. */
  readonly hrAt: number;
  readonly method: string;
  /** Pathname plus search, as asked: `/api/v1/ads?page=2&rows=20`. */
  readonly path: string;
  readonly pathname: string;
  readonly userAgent: string | undefined;
  /**
   * Status sent; set as soon as the server decides it, so it is there by the
   * time the client sees headers. 0 while undecided and for `reset` (no response).
   */
  readonly status: number;
  /** The injected fault's kind, when one hit this request. */
  readonly fault?: string;
  /** True for `/_demo/*` control calls, which are not crawl traffic. */
  readonly control?: boolean;
  /** When the response finished or the socket closed (monotonic ms); absent while in flight. */
  readonly doneHrAt?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Everything the demo marketplace was asked, in arrival order, so tests can
 * prove politeness (gaps, concurrency, user agent, robots, blocked assets).
 *
 * @example
 * const log = new RequestLog();
 * const entry = log.record({ method: 'GET', path: '/market?page=1', pathname: '/market', userAgent: 'otcwatch' });
 * entry.status = 200;
 * log.matching('/market').length; // 1
 */
export class RequestLog {
  readonly #entries: Mutable<RequestLogEntry>[] = [];

  get entries(): readonly RequestLogEntry[] {
    return this.#entries;
  }

  /** Records an arrival now; returns the entry for the server to complete. */
  record(request: { method: string; path: string; pathname: string; userAgent: string | undefined; control?: boolean }): Mutable<RequestLogEntry> {
    const entry: Mutable<RequestLogEntry> = { at: Date.now(), hrAt: performance.now(), ...request, status: 0 };
    if (!request.control) delete entry.control;
    this.#entries.push(entry);
    return entry;
  }

  clear(): void {
    this.#entries.length = 0;
  }

  /** Entries whose `path` (pathname + search) starts with `pathPrefix`. */
  matching(pathPrefix: string): RequestLogEntry[] {
    return this.#entries.filter((e) => e.path.startsWith(pathPrefix));
  }
}
