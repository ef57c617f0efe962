import type { FetchOptions } from '../fetcher.ts';

/**
 * One attempt at a request, and nothing else: one HTTP exchange, one
 * browser render, one webhook POST. Each fetcher has exactly one such
 * function, so what must happen once per exchange (recording evidence,
 * timing it) has one place to live.
 */
export type Attempt<Req, Res> = (request: Req, call: AttemptCall) => Promise<Res>;

/** What every policy and the attempt are handed besides the request. */
export interface AttemptCall {
  /** 1 for the first try of a `fetch()` call; the retry policy counts up. */
  attempt: number;
  /** The caller's per-call options (signal, robots), passed through untouched. */
  options: FetchOptions;
}

/**
 * A policy wraps the next step (Scrapy's downloader middleware): it may act
 * before (robots, the limiter's wait), call `next` once, several times
 * (retry, redirects) or not at all (a disallowed URL), and look at what
 * comes back.
 */
export type FetchPolicy<Req, Res> = (next: Attempt<Req, Res>) => Attempt<Req, Res>;

/**
 * The chain of a fetcher: `policies` in order, outermost first, around its
 * single attempt. The order is read in one place, the fetcher's
 * constructor, and a policy never knows its neighbours.
 *
 * @example
 * ```ts
 * const send = composeFetch([retryPolicy(retry), redirectPolicy(5), robotsPolicy(robots, limiter), limiterPolicy(limiter)], exchange);
 * const answer = await send(hop, { attempt: 1, options: { signal } });
 * ```
 */
export function composeFetch<Req, Res>(policies: readonly FetchPolicy<Req, Res>[], attempt: Attempt<Req, Res>): Attempt<Req, Res> {
  return policies.reduceRight<Attempt<Req, Res>>((next, policy) => policy(next), attempt);
}
