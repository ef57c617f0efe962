/**
 * Why a page could not be acquired. `isRetryable` (retry-policy.ts) decides
 * from the kind (and status) whether another attempt can help.
 */
export type FetchErrorKind =
  | 'http_status'
  | 'timeout'
  | 'too_large'
  | 'too_many_redirects'
  | 'robots_disallowed'
  | 'network'
  | 'truncated';

/**
 * Every kind, e.g. to initialise counters.
 *
 * @example
 * ```ts
 * const counts = Object.fromEntries(FETCH_ERROR_KINDS.map((k) => [k, 0]));
 * ```
 */
export const FETCH_ERROR_KINDS: readonly FetchErrorKind[] = [
  'http_status',
  'timeout',
  'too_large',
  'too_many_redirects',
  'robots_disallowed',
  'network',
  'truncated',
];

/**
 * A failed acquisition. The message says what failed, for which URL and
 * what to do next, because it ends up in `crawl_runs.error` and in front of
 * an investigator, not a developer.
 *
 * @example
 * ```ts
 * try {
 *   await fetcher.fetch({ url: 'http://127.0.0.1:3000/market' });
 * } catch (error) {
 *   if (error instanceof FetchError && error.kind === 'http_status') {
 *     console.log(error.status, error.attempts, error.message);
 *   }
 * }
 * ```
 */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  readonly kind: FetchErrorKind;
  /** The URL that failed (after redirects, when a redirect target failed). */
  readonly url: string;
  /** HTTP status, when the server answered. */
  readonly status?: number;
  /** What the server's `Retry-After` asked for, in ms, when it sent one. */
  readonly retryAfterMs?: number;
  /** Attempts made before giving up (1 when it was not retried). */
  readonly attempts: number;

  constructor(props: FetchErrorProps) {
    super(props.message, props.cause === undefined ? undefined : { cause: props.cause });
    this.kind = props.kind;
    this.url = props.url;
    if (props.status !== undefined) this.status = props.status;
    if (props.retryAfterMs !== undefined) this.retryAfterMs = props.retryAfterMs;
    this.attempts = props.attempts ?? 1;
  }

  /**
   * The same failure after `attempts` tries, with the count in the message,
   * so the final error tells the reader retries already happened.
   *
   * @example
   * ```ts
   * throw lastError.afterAttempts(4); // "... (gave up after 4 attempts)"
   * ```
   */
  afterAttempts(attempts: number, note?: string): FetchError {
    const suffix = note ?? (attempts > 1 ? `gave up after ${attempts} attempts` : '');
    return new FetchError({
      kind: this.kind,
      url: this.url,
      message: suffix ? `${this.message} (${suffix})` : this.message,
      attempts,
      cause: this,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
    });
  }
}

/**
 * Type guard, so callers need no casts.
 *
 * @example
 * ```ts
 * if (isFetchError(error, 'robots_disallowed')) skipSource();
 * ```
 */
export function isFetchError(error: unknown, kind?: FetchErrorKind): error is FetchError {
  return error instanceof FetchError && (kind === undefined || error.kind === kind);
}

/** What `new FetchError(...)` takes; `message` is written by the thrower, who knows the context. */
export interface FetchErrorProps {
  kind: FetchErrorKind;
  url: string;
  /** Full sentence(s): what failed, for which URL, what to do next. */
  message: string;
  status?: number;
  retryAfterMs?: number;
  /** Defaults to 1. */
  attempts?: number;
  cause?: unknown;
}
