/**
 * The User-Agent otcwatch sends by default. It names the tool and links to
 * the project so a site operator who sees it in a log knows who is asking
 * and where to complain; investigators' crawls must be attributable, never
 * disguised as a browser.
 *
 * @example
 * ```ts
 * new HttpFetcher({ limiter, userAgent: DEFAULT_USER_AGENT });
 * ```
 */
export const DEFAULT_USER_AGENT =
  'otcwatch/0.1 (+https://github.com/otcwatch/otcwatch; research crawler)';

/**
 * The product token of a User-Agent: the name robots.txt `User-agent:` lines
 * are matched against (RFC 9309 §2.2.1), lower-cased, without version or
 * comment.
 *
 * @example
 * ```ts
 * robotsToken('otcwatch/0.1 (+https://example.org)'); // 'otcwatch'
 * ```
 */
export function robotsToken(userAgent: string): string {
  const token = userAgent.trim().split(/[\s/]/, 1)[0] ?? '';
  return token.toLowerCase() || '*';
}
