import { FetchError } from './fetch-error.ts';

/**
 * Exponential backoff before retry number `attempt` (1 = the wait after the
 * first failed attempt): the ceiling is `baseDelayMs · 2^(attempt-1)`, capped
 * at `maxDelayMs`, then jittered so many crawlers hitting one struggling host
 * do not retry in lock-step.
 *
 * - `'equal'` (the fetcher's choice): half the ceiling plus a random half, so
 *   a retry never comes back immediately to a server that just failed.
 * - `'full'`: anywhere in `[0, ceiling)`; spreads load best but can be ~0.
 * - `'none'`: exactly the ceiling (deterministic, for tests and reasoning).
 *
 * @example
 * ```ts
 * retryDelayMs(3, { baseDelayMs: 500, maxDelayMs: 30_000, jitter: 'equal' }); // 1000..2000
 * ```
 */
export function retryDelayMs(attempt: number, options: RetryDelayOptions): number {
  const { baseDelayMs, maxDelayMs, jitter = 'equal', random = Math.random } = options;
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** exponent);
  switch (jitter) {
    case 'none':
      return ceiling;
    case 'full':
      return Math.floor(random() * ceiling);
    case 'equal':
      return Math.floor(ceiling / 2 + random() * (ceiling / 2));
  }
}

/** How `retryDelayMs` randomises a wait; see there. */
export type Jitter = 'equal' | 'full' | 'none';

/** Options of `retryDelayMs`. */
export interface RetryDelayOptions {
  /** Ceiling of the first retry's wait. */
  baseDelayMs: number;
  /** Ceiling of any single wait. */
  maxDelayMs: number;
  /** @default 'equal' */
  jitter?: Jitter;
  /** Uniform [0, 1); injectable so tests are deterministic. @default Math.random */
  random?: () => number;
}

/** Day names that start every HTTP-date form (IMF-fixdate, RFC 850, asctime). */
const HTTP_DATE = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s/i;

/**
 * A `Retry-After` header value in ms from `now`: delta-seconds (`"120"`) or
 * an HTTP-date. A date in the past gives 0; anything else (empty, negative,
 * fractional, a free-form date) gives null, because guessing a wait from
 * garbage is worse than using our own backoff. Without `maxRetryAfterMs`
 * the value is not capped, so the caller can see that the server asked for
 * more than it is willing to wait (the fetcher then gives up).
 *
 * @example
 * ```ts
 * parseRetryAfter('2', new Date()); // 2000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', new Date('2015-10-21T07:27:00Z')); // 60000
 * parseRetryAfter('soon', new Date()); // null
 * ```
 */
export function parseRetryAfter(
  value: string | null,
  now: Date,
  maxRetryAfterMs = Number.POSITIVE_INFINITY,
): number | null {
  if (value === null) return null;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else if (HTTP_DATE.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    ms = Math.max(0, at - now.getTime());
  } else {
    return null;
  }
  return Math.min(ms, maxRetryAfterMs);
}

/**
 * Statuses that say "not now" rather than "never": throttling and server
 * trouble. 408 is included beside the usual set because it is the server
 * timing out our (possibly slow) request, not rejecting it.
 *
 * @example
 * ```ts
 * RETRYABLE_STATUSES.has(418); // true — Binance's "you ignored our 429s"
 * ```
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([
  408, // request timeout
  418, // Binance answers 418 to clients it has banned for ignoring 429s
  429,
  500,
  502,
  503,
  504,
]);

/** Socket-level error codes that are usually transient. */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Whether another attempt could succeed. Throttling (429, 418), 408 and
 * 5xx gateway/server errors, timeouts, network errors and truncated bodies
 * are retryable; other 4xx, robots.txt disallows, oversized bodies and
 * redirect loops are not — repeating them only repeats the failure.
 *
 * @example
 * ```ts
 * isRetryable(new FetchError({ kind: 'http_status', status: 503, url, message })); // true
 * isRetryable(new FetchError({ kind: 'http_status', status: 404, url, message })); // false
 * ```
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof FetchError) {
    switch (error.kind) {
      case 'http_status':
        return error.status !== undefined && RETRYABLE_STATUSES.has(error.status);
      case 'timeout':
      case 'network':
      case 'truncated':
        return true;
      case 'too_large':
      case 'too_many_redirects':
      case 'robots_disallowed':
        return false;
    }
  }
  // Errors from outside the fetcher (a browser, a raw undici call): look at
  // the socket error code, which undici hides in `cause`.
  return hasCode(error, RETRYABLE_CODES) || hasCode(causeOf(error), RETRYABLE_CODES);
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}

function hasCode(error: unknown, codes: ReadonlySet<string>): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return typeof error.code === 'string' && codes.has(error.code);
}
