import { FetchError } from './fetch-error.ts';
import { parseRetryAfter } from './retry-policy.ts';

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
