import type { RetrySettings } from './retry-loop.ts';

/** What a fetcher's caller may set of its retries; every field has a default (`retrySettings`). */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 4 */
  maxAttempts?: number;
  /** Backoff ceiling of the first retry (doubles each retry, equal jitter). @default 500 */
  baseDelayMs?: number;
  /** Backoff ceiling of any retry. @default 30_000 */
  maxDelayMs?: number;
  /** Longest `Retry-After` honoured; a longer one ends the fetch with an error. @default 120_000 */
  maxRetryAfterMs?: number;
}

/**
 * The retry settings of a page fetcher (HTTP and browser alike): the
 * caller's options over the defaults, plus the hooks and clock it wires.
 *
 * @example
 * ```ts
 * retryPolicy(retrySettings({ maxAttempts: 2 }, { onRetry: () => stats.retries++ }));
 * ```
 */
export function retrySettings(options: RetryOptions | undefined, wiring: Omit<RetrySettings, keyof RetryOptions> = {}): RetrySettings {
  return {
    maxAttempts: options?.maxAttempts ?? 4,
    baseDelayMs: options?.baseDelayMs ?? 500,
    maxDelayMs: options?.maxDelayMs ?? 30_000,
    maxRetryAfterMs: options?.maxRetryAfterMs ?? 120_000,
    ...wiring,
  };
}
