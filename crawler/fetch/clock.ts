import { setTimeout as sleepFor } from 'node:timers/promises';

/**
 * Time as the fetch policies see it: the limiter's gaps and windows and the
 * retry loop's backoff read `now` and wait with `sleep`, so a test can hand
 * in a virtual clock and check timing without waiting for it.
 *
 * @example
 * ```ts
 * const limiter = new HostLimiter({ clock: systemClock });
 * await systemClock.sleep(500, signal); // rejects with the signal's reason on abort
 * ```
 */
export interface Clock {
  /** Epoch milliseconds, monotonic, with sub-millisecond precision. */
  now(): number;
  /** Resolve after `ms`; reject with `signal.reason` as soon as it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `performance` time on the epoch scale, and timers. */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: async (ms, signal) => {
    try {
      await sleepFor(ms, undefined, signal ? { signal } : undefined);
    } catch (error) {
      // Node rejects with its own AbortError; the caller's reason says why.
      throw signal?.aborted ? signal.reason : error;
    }
  },
};
