import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FetchedPage, PageRequest } from '../source-adapter.ts';
import { FetchError } from './fetch-error.ts';
import { enforceRobots, httpStatusError } from './fetch-policy-errors.ts';
import { FetchStats } from './fetch-stats.ts';
import type { HostLimiter } from './host-limiter.ts';
import { decodeBody, describeCause, readBody } from './response-body.ts';
import { isRetryable, retryDelayMs } from './retry-policy.ts';
import { RobotsPolicy } from './robots-policy.ts';
import { DEFAULT_USER_AGENT } from './user-agent.ts';

/**
 * Fetches pages over HTTP, composing the policies around undici's fetch:
 * robots.txt (robots-policy.ts) → per-host limiter (host-limiter.ts) →
 * request with timeout, manual redirects and a byte cap → retry with backoff
 * and `Retry-After` (retry-policy.ts). It knows nothing of adapters or
 * storage; it turns a `PageRequest` into a `FetchedPage` or a `FetchError`.
 *
 * Every HTTP request (each attempt, each redirect hop, robots.txt) takes its
 * own limiter slot; waits between retries happen outside any slot, so other
 * hosts and other pages on this host keep moving.
 *
 * @example
 * ```ts
 * const limiter = new HostLimiter();
 * const fetcher = new HttpFetcher({ limiter, timeoutMs: 10_000 });
 * const page = await fetcher.fetch({ url: 'http://127.0.0.1:3000/api/ads?page=1' });
 * console.log(page.status, page.sha256, fetcher.stats.snapshot());
 * ```
 */
export class HttpFetcher {
  /** Counters for everything this fetcher did. */
  readonly stats = new FetchStats();
  /** The robots policy in use (null: robots.txt is not consulted). */
  readonly robots: RobotsPolicy | null;
  readonly #props: ResolvedProps;

  constructor(props: HttpFetcherProps) {
    const userAgent = props.userAgent ?? DEFAULT_USER_AGENT;
    this.#props = {
      limiter: props.limiter,
      userAgent,
      timeoutMs: props.timeoutMs ?? 30_000,
      maxBytes: props.maxBytes ?? 10 * 1024 * 1024,
      maxRedirects: props.maxRedirects ?? 5,
      maxAttempts: props.retry?.maxAttempts ?? 4,
      baseDelayMs: props.retry?.baseDelayMs ?? 500,
      maxDelayMs: props.retry?.maxDelayMs ?? 30_000,
      maxRetryAfterMs: props.retry?.maxRetryAfterMs ?? 120_000,
      random: props.random ?? Math.random,
    };
    this.robots =
      props.robots === undefined
        ? new RobotsPolicy({ userAgent, fetchText: (url) => this.fetchText(url) })
        : props.robots;
  }

  /**
   * Fetch one page: robots check, then attempts through the limiter until a
   * 2xx, a non-retryable failure, or `retry.maxAttempts`.
   *
   * @example
   * ```ts
   * const page = await fetcher.fetch({ url, method: 'POST', body: '{"page":1}', headers: { 'content-type': 'application/json' } });
   * const raw = await fetcher.fetch({ url }, { respectRobots: source.politeness.respectRobots });
   * ```
   */
  async fetch(request: PageRequest, options: FetchOptions = {}): Promise<FetchedPage> {
    const respectRobots = options.respectRobots ?? true;
    const p = this.#props;
    assertHttpUrl(request.url);
    for (let attempt = 1; ; attempt++) {
      try {
        const page = await this.#follow(request, respectRobots, true);
        this.stats.pages++;
        return page;
      } catch (error) {
        const failure = asFetchError(error, request.url);
        const retryAfter = failure.retryAfterMs;
        let final: FetchError | null = null;
        if (!isRetryable(failure)) {
          final = failure.afterAttempts(attempt);
        } else if (retryAfter !== undefined && retryAfter > p.maxRetryAfterMs) {
          final = failure.afterAttempts(
            attempt,
            `the server asked to retry after ${retryAfter} ms, longer than maxRetryAfterMs ${p.maxRetryAfterMs} ms, so otcwatch gave up after ${attempt} attempt(s); crawl this source again later or raise retry.maxRetryAfterMs`,
          );
        } else if (attempt >= p.maxAttempts) {
          final = failure.afterAttempts(attempt);
        }
        if (final !== null) {
          this.stats.failures[final.kind]++;
          throw final;
        }
        // Retry-After wins when it asks for more than our backoff; we never
        // come back sooner than the server asked.
        const backoff = retryDelayMs(attempt, {
          baseDelayMs: p.baseDelayMs,
          maxDelayMs: p.maxDelayMs,
          jitter: 'equal',
          random: p.random,
        });
        this.stats.retries++;
        await sleep(Math.max(backoff, retryAfter ?? 0));
      }
    }
  }

  /**
   * GET a URL once, through the limiter, following redirects, and return its
   * status and text whatever the status; rejects only on network-level
   * failures. This is how robots.txt is read, so that it counts against the
   * host's rate limit like any other request.
   *
   * @example
   * ```ts
   * new RobotsPolicy({ userAgent, fetchText: (url) => fetcher.fetchText(url) });
   * ```
   */
  async fetchText(url: string): Promise<{ status: number; body: string }> {
    const page = await this.#follow({ url }, false, false);
    return { status: page.status, body: page.body };
  }

  /** One attempt: a chain of requests along redirects. */
  async #follow(request: PageRequest, respectRobots: boolean, requireOk: boolean): Promise<FetchedPage> {
    const p = this.#props;
    let url = new URL(request.url);
    let method: string = request.method ?? 'GET';
    let body = request.body;
    const headers = new Headers(request.headers);
    for (let hop = 0; ; hop++) {
      if (respectRobots && this.robots !== null) await enforceRobots(this.robots, this.#props.limiter, url);
      const current = url;
      const outcome = await p.limiter.schedule(current, () =>
        this.#exchange(current, method, headers, body, requireOk),
      );
      if (outcome.kind === 'page') return outcome.page;

      const next = redirectTarget(current, outcome.status, outcome.location);
      if (hop >= p.maxRedirects) {
        throw new FetchError({
          kind: 'too_many_redirects',
          url: request.url,
          status: outcome.status,
          message: `${request.url} redirected more than maxRedirects ${p.maxRedirects} times (last to ${next.href}); check the source URL for a redirect loop (often a login or region page) or raise maxRedirects`,
        });
      }
      this.stats.redirects++;
      // Browsers' rules: 303 always, and 301/302 after POST, turn into a GET
      // without a body; 307/308 repeat the request as it was.
      if (outcome.status === 303 || (method === 'POST' && (outcome.status === 301 || outcome.status === 302))) {
        method = 'GET';
        body = undefined;
        headers.delete('content-type');
        headers.delete('content-length');
      }
      // Credentials meant for one origin must not follow a redirect elsewhere.
      if (next.origin !== current.origin) {
        headers.delete('authorization');
        headers.delete('cookie');
      }
      url = next;
    }
  }


  /** One HTTP request inside a limiter slot; the timeout covers headers and body. */
  async #exchange(
    url: URL,
    method: string,
    requestHeaders: Headers,
    body: string | undefined,
    requireOk: boolean,
  ): Promise<Exchange> {
    const p = this.#props;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, p.timeoutMs);
    const headers = new Headers(requestHeaders);
    // The configured, honest User-Agent always wins: robots rules were
    // matched against it, so an adapter must not send another.
    headers.set('user-agent', p.userAgent);
    this.stats.requests++;
    try {
      const response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
        signal: controller.signal,
      });
      const fetchedAt = new Date();
      this.stats.recordStatus(response.status);
      const location = response.headers.get('location');
      if (isRedirect(response.status) && location !== null) {
        await discard(response);
        return { kind: 'redirect', status: response.status, location };
      }
      if (requireOk && !response.ok) {
        await discard(response);
        throw httpStatusError({
          url: url.href,
          status: response.status,
          answered: `${method} ${url.href} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
          retryAfter: response.headers.get('retry-after'),
          now: fetchedAt,
        });
      }
      const bytes = await readBody(response, { url: url.href, maxBytes: p.maxBytes, abort: () => controller.abort() });
      this.stats.bytes += bytes.byteLength;
      const page: FetchedPage = {
        url: url.href,
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: decodeBody(bytes, response.headers.get('content-type')),
        fetchedAt,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      };
      return { kind: 'page', page };
    } catch (error) {
      if (timedOut) {
        throw new FetchError({
          kind: 'timeout',
          url: url.href,
          cause: error,
          message: `${method} ${url.href} did not complete within timeoutMs ${p.timeoutMs} ms (headers and body); if the host is just slow, raise timeoutMs`,
        });
      }
      throw asFetchError(error, url.href);
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface HttpFetcherProps {
  /** Shared with the browser fetcher, so a host's limit holds across both. */
  limiter: HostLimiter;
  /**
   * robots.txt policy. Default: one built here that reads robots.txt through
   * this fetcher (and so through the limiter). `null`: never consult robots.txt.
   */
  robots?: RobotsPolicy | null;
  /** Sent on every request. @default DEFAULT_USER_AGENT (user-agent.ts) */
  userAgent?: string;
  /** Per HTTP request, from the limiter slot's start to the body's last byte. @default 30_000 */
  timeoutMs?: number;
  /** Largest body accepted, in bytes after content decoding. @default 10 MiB */
  maxBytes?: number;
  /** Redirects followed per attempt. @default 5 */
  maxRedirects?: number;
  retry?: {
    /** Attempts in all, the first included. @default 4 */
    maxAttempts?: number;
    /** Backoff ceiling of the first retry (doubles each retry, equal jitter). @default 500 */
    baseDelayMs?: number;
    /** Backoff ceiling of any retry. @default 30_000 */
    maxDelayMs?: number;
    /** Longest `Retry-After` honoured; a longer one ends the fetch with an error. @default 120_000 */
    maxRetryAfterMs?: number;
  };
  /** Uniform [0, 1) for jitter; injectable so tests are deterministic. @default Math.random */
  random?: () => number;
}

export interface FetchOptions {
  /** Check robots.txt before each request (the source's `politeness.respectRobots`). @default true */
  respectRobots?: boolean;
}

interface ResolvedProps {
  limiter: HostLimiter;
  userAgent: string;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  random: () => number;
}

type Exchange =
  | { kind: 'page'; page: FetchedPage }
  | { kind: 'redirect'; status: number; location: string };

/** A bad URL is the adapter's bug, not a network failure: fail at once, never retry. */
function assertHttpUrl(url: string): void {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError(
      `PageRequest.url ${JSON.stringify(url)} is not an absolute http(s) URL; fix the adapter's startRequests or parse`,
    );
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function redirectTarget(from: URL, status: number, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    next = new URL('invalid:');
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new FetchError({
      kind: 'http_status',
      url: from.href,
      status,
      message: `${from.href} answered HTTP ${status} with an unusable Location ${JSON.stringify(location)}; the site's redirect is broken, fix the source URL`,
    });
  }
  return next;
}


/** Drop a body we will not read, so the connection can be reused or closed. */
async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already broken or consumed: nothing to free.
  }
}

function asFetchError(error: unknown, url: string): FetchError {
  if (error instanceof FetchError) return error;
  const detail = error instanceof Error ? describeCause(error) : String(error);
  return new FetchError({
    kind: 'network',
    url,
    cause: error,
    message: `request to ${url} failed (${detail}); check that the host is reachable from this machine`,
  });
}

