import { createHash } from 'node:crypto';
import { checkLimit } from '../crawl-limits.ts';
import type { ExchangeResponse } from '../evidence/exchange.ts';
import type { Fetcher, FetchOptions } from '../fetcher.ts';
import type { FetchedPage, PageRequest } from '../source-adapter.ts';
import type { Clock } from './clock.ts';
import { composeFetch, type Attempt, type AttemptCall } from './fetch-chain.ts';
import { FetchError } from './fetch-error.ts';
import type { FetchObserver } from './fetch-observer.ts';
import { FetchStats } from './fetch-stats.ts';
import type { HostLimiter } from './host-limiter.ts';
import { httpStatusError } from './http-status-error.ts';
import { limiterPolicy } from './limiter-gate.ts';
import { redirectPolicy, type HttpAnswer, type HttpHop } from './redirect-policy.ts';
import { decodeBody, describeCause, readBody } from './response-body.ts';
import { receivedResponse, sentRequest } from './http-exchange.ts';
import { traceWire, type WireTrace } from './wire-trace.ts';
import { retryPolicy } from './retry-loop.ts';
import { retrySettings, type RetryOptions } from './retry-settings.ts';
import { robotsPolicy } from './robots-gate.ts';
import { findUndecodableBytes } from './undecodable-bytes.ts';
import { RobotsPolicy } from './robots-policy.ts';
import { DEFAULT_USER_AGENT } from './user-agent.ts';

/**
 * Fetches pages over HTTP: one single-request function (`#exchange`: a
 * timeout, manual redirects, a byte cap) inside one chain of policies,
 * ordered here and nowhere else (fetch-chain.ts):
 *
 *   retry (retry-loop.ts) → redirects (redirect-policy.ts) → robots.txt
 *   (robots-gate.ts) → per-host limiter (limiter-gate.ts) → exchange
 *
 * so every HTTP request (each attempt, each redirect hop) is checked
 * against robots.txt and takes its own limiter slot, while waits between
 * retries happen outside any slot. robots.txt itself is read by a shorter
 * chain (redirects → limiter → exchange) and so counts against the host's
 * limit too. It knows nothing of adapters or storage; it turns a
 * `PageRequest` into a `FetchedPage` or a `FetchError`, and a call's
 * `signal` ends it wherever it waits.
 *
 * @example
 * ```ts
 * const limiter = new HostLimiter();
 * const fetcher = new HttpFetcher({ limiter, timeoutMs: 10_000 });
 * const page = await fetcher.fetch({ url: 'http://127.0.0.1:3000/api/ads?page=1' }, { signal: AbortSignal.timeout(60_000) });
 * console.log(page.status, page.sha256, fetcher.stats.snapshot());
 * ```
 */
export class HttpFetcher implements Fetcher {
  /** Counters for everything this fetcher did. */
  readonly stats = new FetchStats();
  /** The robots policy in use (null: robots.txt is not consulted). */
  readonly robots: RobotsPolicy | null;
  readonly #props: ResolvedProps;
  readonly #send: Attempt<HttpHop, HttpAnswer>;
  readonly #sendOnce: Attempt<HttpHop, HttpAnswer>;

  constructor(props: HttpFetcherProps) {
    const userAgent = props.userAgent ?? DEFAULT_USER_AGENT;
    this.#props = {
      limiter: props.limiter,
      userAgent,
      timeoutMs: checkLimit('timeoutMs', props.timeoutMs ?? 30_000, 'HttpFetcher timeoutMs'),
      maxBytes: props.maxBytes ?? 10 * 1024 * 1024,
      observer: props.observer ?? {},
    };
    this.robots =
      props.robots === undefined
        ? new RobotsPolicy({ userAgent, fetchText: (url, options) => this.fetchText(url, options) })
        : props.robots;
    const exchange: Attempt<HttpHop, HttpAnswer> = (hop, call) => this.#exchange(hop, call);
    const redirects = redirectPolicy({ maxRedirects: props.maxRedirects ?? 5, onRedirect: () => this.stats.redirects++ });
    const limiter = limiterPolicy<HttpHop, HttpAnswer>(props.limiter);
    this.#send = composeFetch(
      [
        retryPolicy(retrySettings(props.retry, {
          ...(props.random ? { random: props.random } : {}),
          ...(props.clock ? { clock: props.clock } : {}),
          onRetry: () => this.stats.retries++,
          onGiveUp: (error) => this.stats.failures[error.kind]++,
        })),
        redirects,
        robotsPolicy(this.robots, props.limiter),
        limiter,
      ],
      exchange,
    );
    this.#sendOnce = composeFetch([redirects, limiter], exchange);
  }

  /**
   * Fetch one page: robots check, then attempts through the limiter until a
   * 2xx, a non-retryable failure, or `retry.maxAttempts`.
   *
   * @example
   * ```ts
   * const page = await fetcher.fetch({ url, method: 'POST', body: '{"page":1}', headers: { 'content-type': 'application/json' } });
   * const raw = await fetcher.fetch({ url }, { respectRobots: source.politeness.respectRobots, signal });
   * ```
   */
  async fetch(request: PageRequest, options: FetchOptions = {}): Promise<FetchedPage> {
    const url = httpUrl(request.url);
    const hop: HttpHop = { url, method: request.method ?? 'GET', headers: new Headers(request.headers), body: request.body, purpose: 'page' };
    const outcome = { fetcher: 'http' as const, host: url.host, url: url.href };
    try {
      const answer = await this.#send(hop, { attempt: 1, options });
      this.stats.pages++;
      this.#props.observer.outcome?.({ ...outcome, ok: true, error: null });
      return pageOf(answer);
    } catch (error) {
      if (error instanceof FetchError) this.#props.observer.outcome?.({ ...outcome, ok: false, error: error.kind });
      throw error;
    }
  }

  /**
   * GET a URL once, through the limiter, following redirects, and return its
   * status and text whatever the status; rejects only on network-level
   * failures (or the call's abort). This is how robots.txt is read, so that
   * it counts against the host's rate limit like any other request.
   *
   * @example
   * ```ts
   * new RobotsPolicy({ userAgent, fetchText: (url, options) => fetcher.fetchText(url, options) });
   * ```
   */
  async fetchText(url: string, options: FetchOptions = {}): Promise<{ status: number; body: string }> {
    const hop: HttpHop = { url: new URL(url), method: 'GET', headers: new Headers(), body: undefined, purpose: 'robots' };
    const page = pageOf(await this.#sendOnce(hop, { attempt: 1, options }));
    return { status: page.status, body: page.body };
  }

  /**
   * The single attempt: one HTTP request inside a limiter slot; the timeout
   * covers headers and body. With an archive in the call's options, the
   * attempt is kept whatever came of it — a page, a redirect, a non-2xx
   * answer with its body (the proof a page failed), or no answer — before
   * its answer or error goes back up the chain.
   */
  async #exchange(hop: HttpHop, call: AttemptCall): Promise<HttpAnswer> {
    const p = this.#props;
    const { url, method, body } = hop;
    const { archive, signal: cancel } = call.options;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, p.timeoutMs);
    // The caller's cancel is forwarded by hand and unhooked after the exchange: AbortSignal.any keeps
    // a listener on the long-lived crawl signal per request until GC (Node 20 warned at 51 of them).
    const forwardCancel = () => controller.abort(cancel!.reason);
    if (cancel?.aborted) forwardCancel();
    else cancel?.addEventListener('abort', forwardCancel, { once: true });
    const signal = controller.signal;
    const headers = new Headers(hop.headers);
    // The configured, honest User-Agent always wins: robots rules were
    // matched against it, so an adapter must not send another.
    headers.set('user-agent', p.userAgent);
    this.stats.requests++;
    const started = performance.now();
    const sentAt = new Date();
    const trace: WireTrace = { serverIp: null, requestHead: null, responseHeaders: null };
    let status: number | null = null;
    let kept: ExchangeResponse | null = null;
    let outcome: { answer: HttpAnswer } | { error: FetchError };
    try {
      const response = await traceWire(trace, () => fetch(url, { method, headers, ...(body === undefined ? {} : { body }), redirect: 'manual', signal }));
      const receivedAt = new Date();
      status = response.status;
      this.stats.recordStatus(response.status);
      const location = response.headers.get('location');
      const keepBody = async () => {
        if (archive) kept = receivedResponse(response, trace, await evidenceBody(response, url.href, p.maxBytes), receivedAt);
        else await discard(response);
      };
      if (isRedirect(response.status) && location !== null) {
        await keepBody();
        outcome = { answer: { kind: 'redirect', status: response.status, location } };
      } else if (hop.purpose === 'page' && !response.ok) {
        await keepBody();
        throw httpStatusError({
          url: url.href,
          status: response.status,
          answered: `${method} ${url.href} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
          retryAfter: response.headers.get('retry-after'),
          now: receivedAt,
        });
      } else {
        const bytes = await readBody(response, { url: url.href, maxBytes: p.maxBytes, abort: () => controller.abort() });
        this.stats.bytes += bytes.byteLength;
        kept = receivedResponse(response, trace, bytes, receivedAt);
        const page: FetchedPage = {
          url: url.href,
          status: response.status,
          headers: Object.fromEntries(response.headers),
          body: decodeBody(bytes, response.headers.get('content-type')),
          fetchedAt: receivedAt,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          bytes: bytes.byteLength,
          serverIp: trace.serverIp,
        };
        const undecodable = findUndecodableBytes(bytes, response.headers.get('content-type'));
        if (undecodable.length > 0) page.undecodable = undecodable;
        outcome = { answer: { kind: 'page', page } };
      }
      this.#exchanged(hop, started, status, null);
    } catch (error) {
      // The caller's abort is not a failure of the host: no error kind, no retry, nothing kept.
      if (cancel?.aborted) throw cancel.reason;
      const failure = timedOut
        ? new FetchError({
            kind: 'timeout',
            url: url.href,
            cause: error,
            message: `${method} ${url.href} did not complete within timeoutMs ${p.timeoutMs} ms (headers and body); if the host is just slow, raise timeoutMs`,
          })
        : asFetchError(error, url.href);
      this.#exchanged(hop, started, status, failure.kind);
      outcome = { error: failure };
    } finally {
      clearTimeout(timer);
      cancel?.removeEventListener('abort', forwardCancel);
    }
    await archive?.record({
      fetcher: 'http',
      purpose: hop.purpose,
      url: url.href,
      sentAt,
      request: sentRequest(trace, { method, url, headers, body }),
      response: kept,
      serverIp: trace.serverIp,
      error: 'error' in outcome ? outcome.error.message : null,
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.answer;
  }

  #exchanged(hop: HttpHop, started: number, status: number | null, error: FetchError['kind'] | null): void {
    this.#props.observer.exchange?.({ fetcher: 'http', host: hop.url.host, url: hop.url.href, durationMs: performance.now() - started, status, error });
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
  /** Attempts, backoff and the longest `Retry-After` honoured (retry-loop.ts); defaults in `retrySettings`. */
  retry?: RetryOptions;
  /** Uniform [0, 1) for jitter; injectable so tests are deterministic. @default Math.random */
  random?: () => number;
  /** Where retry backoff sleeps; a test hands in a virtual one. @default systemClock */
  clock?: Clock;
  /** Told of every exchange and every call's outcome (metrics). */
  observer?: FetchObserver;
}

interface ResolvedProps {
  limiter: HostLimiter;
  userAgent: string;
  timeoutMs: number;
  maxBytes: number;
  observer: FetchObserver;
}

/** The page of an answer that has passed the redirect policy. */
function pageOf(answer: HttpAnswer): FetchedPage {
  if (answer.kind !== 'page') throw new Error('a redirect answer escaped the redirect policy');
  return answer.page;
}

/** A bad URL is the adapter's bug, not a network failure: fail at once, never retry. */
function httpUrl(url: string): URL {
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
  return parsed;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Drop a body we will not read, so the connection can be reused or closed. */
async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already broken or consumed: nothing to free.
  }
}

/**
 * The body of an answer that is not the page (a redirect, an error page),
 * read for the archive: what it could read of it, an empty body when the
 * read failed, so the answer's own error stays the one reported.
 */
async function evidenceBody(response: Response, url: string, maxBytes: number): Promise<Uint8Array> {
  try {
    return await readBody(response, { url, maxBytes, abort: () => void response.body?.cancel().catch(() => {}) });
  } catch {
    return new Uint8Array();
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

