import { systemClock, type Clock } from './clock.ts';
import { FetchError } from './fetch-error.ts';
import type { FetchPolicy } from './fetch-chain.ts';
import { isRetryable, retryDelayMs } from './retry-policy.ts';

/**
 * The retry loop, the only one: every fetcher and sink that retries puts
 * this policy outermost in its chain. A failed attempt (a `FetchError`) is
 * tried again after exponential backoff with equal jitter, or after the
 * server's `Retry-After` when that is longer — never sooner than asked —
 * until it succeeds, fails for good (`isRetryable`), asks to wait longer
 * than `maxRetryAfterMs`, or `maxAttempts` is reached; the last error is
 * then thrown with the attempt count. Anything that is not a `FetchError`
 * (an adapter's bug, the caller's abort) passes straight through, and the
 * backoff sleep ends at once when the call's signal aborts.
 *
 * @example
 * ```ts
 * const send = composeFetch([retryPolicy({ maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 })], exchange);
 * ```
 */
export function retryPolicy<Req, Res>(settings: RetrySettings): FetchPolicy<Req, Res> {
  const clock = settings.clock ?? systemClock;
  return (next) => async (request, call) => {
    const { signal } = call.options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(request, { ...call, attempt });
      } catch (error) {
        if (signal?.aborted || !(error instanceof FetchError)) throw error;
        const final = finalFailure(error, attempt, settings);
        if (final !== null) {
          settings.onGiveUp?.(final);
          throw final;
        }
        const backoff = retryDelayMs(attempt, {
          baseDelayMs: settings.baseDelayMs,
          maxDelayMs: settings.maxDelayMs,
          jitter: 'equal',
          ...(settings.random ? { random: settings.random } : {}),
        });
        const waitMs = Math.max(backoff, error.retryAfterMs ?? 0);
        settings.onRetry?.({ error, attempt, waitMs });
        await clock.sleep(waitMs, signal);
      }
    }
  };
}

/** How the retry loop retries; the fetchers' and the webhook's settings are each one of these. */
export interface RetrySettings {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff ceiling of the first retry (doubles each retry). */
  baseDelayMs: number;
  /** Backoff ceiling of any retry. */
  maxDelayMs: number;
  /** Longest `Retry-After` honoured; a longer one ends the call at once, saying so. */
  maxRetryAfterMs: number;
  /** Uniform [0, 1) for jitter. @default Math.random */
  random?: () => number;
  /** Where the backoff sleeps. @default systemClock */
  clock?: Clock;
  /** A failed attempt is about to be tried again after `waitMs`. */
  onRetry?: (event: { error: FetchError; attempt: number; waitMs: number }) => void;
  /** The call failed for good with this error. */
  onGiveUp?: (error: FetchError) => void;
}

/** The error to end the call with after this failed attempt, or null to try again. */
function finalFailure(error: FetchError, attempt: number, settings: RetrySettings): FetchError | null {
  if (!isRetryable(error)) return error.afterAttempts(attempt);
  const retryAfter = error.retryAfterMs;
  if (retryAfter !== undefined && retryAfter > settings.maxRetryAfterMs) {
    return error.afterAttempts(
      attempt,
      `the server asked to retry after ${retryAfter} ms, longer than maxRetryAfterMs ${settings.maxRetryAfterMs} ms, so otcwatch gave up after ${attempt} attempt(s); crawl this source again later or raise retry.maxRetryAfterMs`,
    );
  }
  return attempt >= settings.maxAttempts ? error.afterAttempts(attempt) : null;
}
