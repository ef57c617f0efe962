import type { FetchedPage } from '../source-adapter.ts';
import type { FetchPolicy } from './fetch-chain.ts';
import { FetchError } from './fetch-error.ts';

/** One HTTP request as the HTTP chain carries it: each redirect hop is a new one. */
export interface HttpHop {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  /** A page's hop fails on a non-2xx answer; a robots.txt read takes any answer as it is. */
  purpose: 'page' | 'robots';
}

/** What one HTTP exchange gives back: a page, or a redirect to follow. */
export type HttpAnswer = { kind: 'page'; page: FetchedPage } | { kind: 'redirect'; status: number; location: string };

/**
 * The redirect policy of the HTTP chain: a redirect answer becomes the next
 * hop, up to `maxRedirects`, with browsers' rules (303, and 301/302 after
 * POST, become a GET without a body; 307/308 repeat the request) and
 * credentials dropped when the origin changes. What it returns is always a
 * page. Policies inside it (robots, the limiter) see every hop.
 *
 * @example
 * ```ts
 * composeFetch([retryPolicy(retry), redirectPolicy({ maxRedirects: 5 }), limiterPolicy(limiter)], exchange);
 * ```
 */
export function redirectPolicy(props: { maxRedirects: number; onRedirect?: () => void }): FetchPolicy<HttpHop, HttpAnswer> {
  return (next) => async (first, call) => {
    let hop = first;
    for (let followed = 0; ; followed++) {
      const answer = await next(hop, call);
      if (answer.kind === 'page') return answer;
      const target = redirectTarget(hop.url, answer.status, answer.location);
      if (followed >= props.maxRedirects) {
        throw new FetchError({
          kind: 'too_many_redirects',
          url: first.url.href,
          status: answer.status,
          message: `${first.url.href} redirected more than maxRedirects ${props.maxRedirects} times (last to ${target.href}); check the source URL for a redirect loop (often a login or region page) or raise maxRedirects`,
        });
      }
      props.onRedirect?.();
      hop = nextHop(hop, answer.status, target);
    }
  };
}

function nextHop(hop: HttpHop, status: number, url: URL): HttpHop {
  const headers = new Headers(hop.headers);
  let { method, body } = hop;
  if (status === 303 || (method === 'POST' && (status === 301 || status === 302))) {
    method = 'GET';
    body = undefined;
    headers.delete('content-type');
    headers.delete('content-length');
  }
  // Credentials meant for one origin must not follow a redirect elsewhere.
  if (url.origin !== hop.url.origin) {
    headers.delete('authorization');
    headers.delete('cookie');
  }
  return { ...hop, url, method, body, headers };
}

function redirectTarget(from: URL, status: number, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    next = new URL('invalid:');
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new FetchError({
      kind: 'http_status',
      url: from.href,
      status,
      message: `${from.href} answered HTTP ${status} with an unusable Location ${JSON.stringify(location)}; the site's redirect is broken, fix the source URL`,
    });
  }
  return next;
}
