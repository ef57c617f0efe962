import type { FetchPolicy } from './fetch-chain.ts';
import type { HostLimiter } from './host-limiter.ts';

/**
 * The rate-limit policy of a fetch chain: the next step runs inside one of
 * the host's limiter slots (host-limiter.ts), after the host's gap and
 * windows allow it; the wait ends at once when the call's signal aborts.
 * Innermost in the HTTP chain, so each request (each retry, each redirect
 * hop) takes a slot of its own and backoff waits hold none.
 *
 * @example
 * ```ts
 * composeFetch([retryPolicy(retry), limiterPolicy(limiter)], exchange);
 * ```
 */
export function limiterPolicy<Req extends { url: URL }, Res>(limiter: HostLimiter): FetchPolicy<Req, Res> {
  return (next) => (request, call) => limiter.schedule(request.url, () => next(request, call), { signal: call.options.signal });
}
