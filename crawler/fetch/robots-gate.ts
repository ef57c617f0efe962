import { CRAWL_LIMITS, limitProblem } from '../crawl-limits.ts';
import type { FetchOptions } from '../fetcher.ts';
import type { FetchPolicy } from './fetch-chain.ts';
import { FetchError } from './fetch-error.ts';
import type { HostLimiter } from './host-limiter.ts';
import type { RobotsPolicy } from './robots-policy.ts';

/**
 * The robots.txt policy of a fetch chain: before the next step, the
 * request's URL is checked (unless the call says `respectRobots: false`).
 * In the HTTP chain it sits inside the redirect policy, so every hop is
 * checked; in the browser chain it checks the page's URL.
 *
 * @example
 * ```ts
 * composeFetch([retryPolicy(retry), robotsPolicy(robots, limiter)], render);
 * ```
 */
export function robotsPolicy<Req extends { url: URL }, Res>(robots: RobotsPolicy | null, limiter: HostLimiter): FetchPolicy<Req, Res> {
  return (next) => async (request, call) => {
    if (robots !== null && (call.options.respectRobots ?? true)) await enforceRobots(robots, limiter, request.url, call.options);
    return next(request, call);
  };
}

/**
 * Checks robots.txt for a URL: throws `robots_disallowed` saying why and
 * what to do, and raises the host's minimum gap to the file's
 * `Crawl-delay` when that is longer (refusing a delay past the longest gap
 * otcwatch allows, crawl-limits.ts).
 *
 * @example
 * await enforceRobots(robots, limiter, new URL('https://desk.example/otc'), { signal });
 */
async function enforceRobots(robots: RobotsPolicy, limiter: HostLimiter, url: URL, options: FetchOptions = {}): Promise<void> {
  const decision = await robots.check(url, options);
  if (!decision.allowed) {
    const because =
      decision.reason === 'unreachable'
        ? `robots.txt of ${url.host} could not be read (${decision.detail}), and RFC 9309 says to treat that as disallowing everything; try again later, or`
        : `robots.txt of ${url.host} disallows ${url.pathname + url.search} for ${robots.token} (${decision.detail} of ${decision.robotsUrl});`;
    throw new FetchError({
      kind: 'robots_disallowed',
      url: url.href,
      message: `${because} set respectRobots: false on the source only if you have permission`,
    });
  }
  if (decision.crawlDelayMs !== null && decision.crawlDelayMs > limiter.politeness(url.host).minGapMs) {
    if (limitProblem('minGapMs', decision.crawlDelayMs) !== null) {
      throw new FetchError({
        kind: 'robots_disallowed',
        url: url.href,
        message: `robots.txt of ${url.host} asks for a Crawl-delay of ${decision.crawlDelayMs} ms, longer than otcwatch's longest gap of ${CRAWL_LIMITS.minGapMs.max} ms (1 day), so it is not crawled; ask the site owner`,
      });
    }
    limiter.configure(url.host, { minGapMs: decision.crawlDelayMs }, 'robots.txt');
  }
}
