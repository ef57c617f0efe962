import { CRAWL_LIMITS, limitProblem } from '../crawl-limits.ts';
import { FetchError } from './fetch-error.ts';
import type { HostLimiter } from './host-limiter.ts';
import { parseRetryAfter } from './retry-policy.ts';
import type { RobotsPolicy } from './robots-policy.ts';

/**
 * Checks robots.txt for a URL before any fetcher (HTTP or browser) reads it:
 * throws `robots_disallowed` saying why and what to do, and raises the
 * host's minimum gap to the file's `Crawl-delay` when that is longer.
 *
 * @example
 * await enforceRobots(robots, limiter, new URL('https://desk.example/otc'));
 */
export async function enforceRobots(robots: RobotsPolicy, limiter: HostLimiter, url: URL): Promise<void> {
  const decision = await robots.check(url);
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

/**
 * The error for a non-2xx answer, whichever fetcher got it: the status,
 * its `Retry-After` for the retry policy, and the next step for the person
 * reading it.
 *
 * @example
 * throw httpStatusError({ url, status: 429, answered: `GET ${url} answered HTTP 429`, retryAfter: '5', now: new Date() });
 */
export function httpStatusError(props: { url: string; status: number; answered: string; retryAfter: string | null; now: Date }): FetchError {
  const { url, status } = props;
  const retryAfterMs = parseRetryAfter(props.retryAfter, props.now);
  let next: string;
  if (status === 429 || status === 418) {
    next = 'the site is throttling otcwatch; lower requestsPerInterval or raise minGapMs for this source';
  } else if (status >= 500) {
    next = 'the server is failing; retry the crawl later';
  } else if (status === 401 || status === 403) {
    next = 'the page needs access otcwatch does not have (login, region block or bot wall); check it in a browser';
  } else {
    next = 'check the URL the adapter or source config builds';
  }
  return new FetchError({
    kind: 'http_status',
    url,
    status,
    message: `${props.answered}; ${next}`,
    ...(retryAfterMs === null ? {} : { retryAfterMs }),
  });
}
