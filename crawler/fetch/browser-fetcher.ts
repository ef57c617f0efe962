import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { checkLimit } from '../crawl-limits.ts';
import type { Fetcher, FetchOptions } from '../fetcher.ts';
import type { FetchedPage, PageRequest } from '../source-adapter.ts';
import { untilAborted } from './abortable.ts';
import { browserFetchError } from './browser-errors.ts';
import { documentExchange } from './browser-exchange.ts';
import { BrowserPool, type BrowserPoolOptions, type GatedRequest } from './browser-pool.ts';
import { describeReadiness, watchReadiness } from './browser-readiness.ts';
import type { Clock } from './clock.ts';
import { composeFetch, type Attempt, type AttemptCall } from './fetch-chain.ts';
import { FetchError } from './fetch-error.ts';
import type { FetchObserver } from './fetch-observer.ts';
import { FetchStats } from './fetch-stats.ts';
import type { HostLimiter } from './host-limiter.ts';
import { httpStatusError } from './http-status-error.ts';
import { retryPolicy } from './retry-loop.ts';
import { retrySettings, type RetryOptions } from './retry-settings.ts';
import { robotsPolicy } from './robots-gate.ts';
import type { RobotsPolicy } from './robots-policy.ts';
import { DEFAULT_USER_AGENT } from './user-agent.ts';

/**
 * Reads pages as a person sees them, in headless Chromium (browser-pool.ts),
 * under the same policies as the HTTP fetcher, in one chain ordered here:
 * retry (retry-loop.ts, the same loop and rules) → robots.txt (the same
 * `RobotsPolicy`) → one render. Every request the browser sends to the
 * page's host goes through the same per-host limiter (the document,
 * scripts, styles and the page's own API calls alike, so a host's limit
 * holds across HTTP and browser); requests to other hosts (CDNs) are not
 * the crawled site's load and go out unlimited. A call's `signal` ends it
 * wherever it waits: the page is closed under a navigation or readiness
 * wait, and its sub-requests leave the limiter's queue.
 *
 * A page is read once its source's readiness condition holds
 * (browser-readiness.ts). The `FetchedPage` body is the rendered HTML; its
 * `sha256` is of the document the server sent. With an archive in the
 * call's options, each attempt is kept: the document's request and
 * response as the browser saw them, and for a page read, the rendered DOM
 * and a full-page PNG screenshot.
 *
 * Robots is checked for the page's URL, not for redirects the browser
 * follows on its own, nor for the page's sub-requests.
 *
 * @example
 * ```ts
 * const http = new HttpFetcher({ limiter });
 * const browser = new BrowserFetcher({ limiter, robots: http.robots });
 * const page = await browser.fetch({ url: 'http://127.0.0.1:8787/app?page=1', readiness: { selector: '#ads-ready' } }, { archive: warc });
 * console.log(page.body.length, page.sha256, page.serverIp);
 * await browser.close();
 * ```
 */
export class BrowserFetcher implements Fetcher {
  /** Counters: `requests` counts what the browser sent (blocked resources are not sent). */
  readonly stats = new FetchStats();
  /** The browser pool, for its events; launched on the first page. */
  readonly pool: BrowserPool;
  readonly #props: ResolvedProps;
  readonly #render: Attempt<BrowserCall, Rendered>;
  /** The signal of the fetch each page is serving, so its sub-requests' waits end with it. */
  readonly #signals = new WeakMap<Page, AbortSignal>();

  constructor(props: BrowserFetcherProps) {
    this.#props = {
      limiter: props.limiter,
      navigationTimeoutMs: checkLimit('timeoutMs', props.navigationTimeoutMs ?? 30_000, 'BrowserFetcher navigationTimeoutMs'),
      readinessTimeoutMs: checkLimit('timeoutMs', props.readinessTimeoutMs ?? 30_000, 'BrowserFetcher readinessTimeoutMs'),
      observer: props.observer ?? {},
    };
    this.pool = new BrowserPool({
      ...props.pool,
      userAgent: props.userAgent ?? DEFAULT_USER_AGENT,
      gate: (request, send) => this.#gate(request, send),
    });
    this.#render = composeFetch<BrowserCall, Rendered>(
      [
        retryPolicy(retrySettings(props.retry, {
          ...(props.clock ? { clock: props.clock } : {}),
          onRetry: () => this.stats.retries++,
          onGiveUp: (error) => this.stats.failures[error.kind]++,
        })),
        robotsPolicy(props.robots, props.limiter),
      ],
      (request, call) => this.#attempt(request, call),
    );
  }

  /**
   * Read one page: robots check, then attempts in the browser until one
   * succeeds, fails for good, or `retry.maxAttempts` is reached.
   *
   * @example
   * ```ts
   * const page = await browser.fetch({ url, readiness: { function: 'window.__DATA__ !== undefined' } }, { respectRobots: source.politeness.respectRobots });
   * ```
   */
  async fetch(request: PageRequest, options: FetchOptions = {}): Promise<FetchedPage> {
    const url = pageUrl(request);
    const outcome = { fetcher: 'browser' as const, host: url.host, url: url.href };
    try {
      const page = this.#pageOf(await this.#render({ url, request }, { attempt: 1, options }));
      this.stats.pages++;
      this.#props.observer.outcome?.({ ...outcome, ok: true, error: null });
      return page;
    } catch (error) {
      if (error instanceof FetchError) this.#props.observer.outcome?.({ ...outcome, ok: false, error: error.kind });
      throw error;
    }
  }

  /**
   * Close the browser.
   *
   * @example
   * ```ts
   * await browser.close();
   * ```
   */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** Requests to the page's own host wait for the host limiter; the slot is held until the response has ended. */
  #gate(request: GatedRequest, send: () => Promise<void>): Promise<void> {
    this.stats.requests++;
    const sameHost = new URL(request.url).host === new URL(request.contextKey).host;
    const signal = request.page === undefined ? undefined : this.#signals.get(request.page);
    return sameHost ? this.#props.limiter.schedule(request.url, send, { signal }) : send();
  }

  /**
   * The single attempt: one render in a page slot, kept in the call's
   * archive whatever came of it. On abort the wait ends at once (nothing
   * kept); the pool then closes the page, which ends the navigation.
   */
  async #attempt({ url, request }: BrowserCall, call: AttemptCall): Promise<Rendered> {
    const { signal, archive } = call.options;
    const started = performance.now();
    const sentAt = new Date();
    const seen: { document?: Rendered['document'] } = {};
    let outcome: { rendered: Rendered } | { error: Error };
    try {
      const rendered = await this.pool.withPage(url.origin, (page) => {
        if (signal) this.#signals.set(page, signal);
        return untilAborted(this.#renderOn(page, request, url, seen), signal);
      });
      this.#exchanged(url, started, rendered.status, null);
      outcome = { rendered };
    } catch (caught) {
      if (signal?.aborted) throw signal.reason;
      // #renderOn maps its own failures; what is left came from getting a page (launch, a dead browser).
      const error = browserFetchError(caught, url.href, { kind: 'page' });
      if (error instanceof FetchError) this.#exchanged(url, started, error.status ?? null, error.kind);
      outcome = { error: error as Error };
    }
    const rendered = 'rendered' in outcome ? outcome.rendered : undefined;
    await archive?.record({
      fetcher: 'browser',
      purpose: 'page',
      url: url.href,
      sentAt,
      request: seen.document?.request ?? { method: 'GET', target: `${url.pathname}${url.search}`, headers: [['host', url.host]], body: null },
      response: seen.document?.response ?? null,
      serverIp: seen.document?.serverIp ?? null,
      error: 'error' in outcome ? outcome.error.message : null,
      ...(rendered ? { rendered: { dom: rendered.body, screenshot: rendered.screenshot, at: rendered.fetchedAt } } : {}),
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.rendered;
  }

  #exchanged(url: URL, started: number, status: number | null, error: FetchError['kind'] | null): void {
    this.#props.observer.exchange?.({ fetcher: 'browser', host: url.host, url: url.href, durationMs: performance.now() - started, status, error });
  }

  /** Navigate, wait until ready, read the DOM and a screenshot; the document's exchange goes into `seen` as soon as it is known. */
  async #renderOn(page: Page, request: PageRequest, url: URL, seen: { document?: Rendered['document'] }): Promise<Rendered> {
    const { navigationTimeoutMs, readinessTimeoutMs } = this.#props;
    page.setDefaultTimeout(readinessTimeoutMs);
    const ready = watchReadiness(page, request.readiness, readinessTimeoutMs);
    let response;
    let headers;
    try {
      // Set on every use: the page is reused, and the last request's headers must not linger.
      await page.setExtraHTTPHeaders(withoutUserAgent(request.headers));
      response = await page.goto(url.href, { waitUntil: 'domcontentloaded', timeout: navigationTimeoutMs });
      if (response === null) {
        throw new FetchError({ kind: 'network', url: url.href, message: `the browser got no response for ${url.href}; check the URL the adapter builds` });
      }
      headers = await response.allHeaders();
      seen.document = await documentExchange(response);
    } catch (error) {
      throw browserFetchError(error, url.href, { kind: 'navigation', timeoutMs: navigationTimeoutMs });
    }
    const document = seen.document;
    this.stats.recordStatus(response.status());
    if (!response.ok()) {
      throw httpStatusError({
        url: url.href,
        status: response.status(),
        answered: `${url.href} answered HTTP ${response.status()} to the browser`,
        retryAfter: headers['retry-after'] ?? null,
        now: new Date(),
      });
    }
    try {
      await ready();
    } catch (error) {
      throw browserFetchError(error, url.href, { kind: 'readiness', timeoutMs: readinessTimeoutMs, condition: describeReadiness(request.readiness) });
    }
    try {
      const fetchedAt = new Date();
      const body = await page.content();
      const screenshot = await page.screenshot({ fullPage: true, type: 'png' });
      return { url: page.url(), status: response.status(), headers, body, screenshot, fetchedAt, document };
    } catch (error) {
      throw browserFetchError(error, url.href, { kind: 'read' });
    }
  }

  /** The page to parse: the rendered HTML, identified by the document the server sent. */
  #pageOf(rendered: Rendered): FetchedPage {
    const sent = rendered.document.response.body;
    this.stats.bytes += sent.byteLength;
    return {
      url: rendered.url,
      status: rendered.status,
      headers: renderedHeaders(rendered.headers),
      body: rendered.body,
      fetchedAt: rendered.fetchedAt,
      sha256: createHash('sha256').update(sent).digest('hex'),
      bytes: sent.byteLength,
      serverIp: rendered.document.serverIp,
    };
  }

}

export interface BrowserFetcherProps {
  /** The per-host limiter, shared with the HTTP fetcher so a host's limit holds across both. */
  limiter: HostLimiter;
  /** robots.txt policy; share the HTTP fetcher's (`HttpFetcher.robots`) so each site's file is read once. null: never consulted. */
  robots: RobotsPolicy | null;
  /** Sent by the browser and matched against robots.txt. @default DEFAULT_USER_AGENT (user-agent.ts) */
  userAgent?: string;
  /** Browser, page bound, recycling, blocked resource types (browser-pool.ts). */
  pool?: Omit<BrowserPoolOptions, 'userAgent' | 'gate'>;
  /** From asking for the page (including the wait for the host limiter) to DOMContentLoaded. @default 30_000 */
  navigationTimeoutMs?: number;
  /** From DOMContentLoaded until the readiness condition holds; also bounds reading the page. @default 30_000 */
  readinessTimeoutMs?: number;
  /** As the HTTP fetcher's: attempts in all, backoff of the first retry and of any, longest Retry-After honoured. */
  retry?: RetryOptions;
  /** Where retry backoff sleeps. @default systemClock */
  clock?: Clock;
  /** Told of every render and every call's outcome (metrics). */
  observer?: FetchObserver;
}

interface ResolvedProps {
  limiter: HostLimiter;
  navigationTimeoutMs: number;
  readinessTimeoutMs: number;
  observer: FetchObserver;
}

/** What the browser chain carries: the page's URL (for robots) and the adapter's request. */
interface BrowserCall {
  url: URL;
  request: PageRequest;
}

interface Rendered {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  screenshot: Buffer;
  fetchedAt: Date;
  /** The document's own exchange, as the server answered it. */
  document: Awaited<ReturnType<typeof documentExchange>>;
}

/** A browser navigates by GET; anything else is the adapter's mistake, reported before any request. */
function pageUrl(request: PageRequest): URL {
  let url: URL | null = null;
  try {
    url = new URL(request.url);
  } catch {
    // reported below
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(`PageRequest.url ${JSON.stringify(request.url)} is not an absolute http(s) URL; fix the adapter's startRequests or parse`);
  }
  if ((request.method ?? 'GET') !== 'GET' || request.body !== undefined) {
    throw new TypeError(`${request.url}: browser sources read pages by GET only; use an HTTP source for ${request.method ?? 'GET'} requests with a body`);
  }
  return url;
}

/** The honest User-Agent always wins, as in the HTTP fetcher: robots rules were matched against it. */
function withoutUserAgent(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== 'user-agent'));
}

/**
 * The document's response headers, restated for the rendered body kept in
 * its place: it is the DOM serialized as UTF-8 HTML, so the length and
 * encoding of what the server sent no longer describe it.
 */
function renderedHeaders(headers: Record<string, string>): Record<string, string> {
  const { 'content-length': _length, 'content-encoding': _encoding, 'transfer-encoding': _transfer, ...rest } = headers;
  return { ...rest, 'content-type': 'text/html; charset=utf-8' };
}

