import { PageError, type FetchedPage } from '../source-adapter.ts';

/**
 * What captcha, bot-check and interstitial pages say instead of listings
 * (Cloudflare, Akamai and Chinese CDNs' checks, a demo's "Verify you are
 * human"): such a page is transient — it often clears on a later try.
 */
const INTERSTITIAL = /captcha|verify (?:that )?you are (?:a )?human|are you a robot|not a robot|just a moment|checking your browser|attention required|access denied|security check|人机验证|安全验证|验证码|滑动验证|请完成验证|访问验证|访问过于频繁|请稍候/iu;

/**
 * Whether a page's title or text reads as a captcha or interstitial.
 *
 * @example
 * looksLikeInterstitial('<title>Just a moment...</title>'); // true
 */
export function looksLikeInterstitial(text: string): boolean {
  return INTERSTITIAL.test(text);
}

/**
 * Fails an HTML page that ended before its closing tags: a connection cut
 * mid-body without a `Content-Length` (close-delimited) arrives as a
 * shorter, valid-looking page, whose missing rows would read as listings
 * vanishing. A document that opened `<html>` (or `<body>`) must close it.
 * The failure is transient: the page is read again before it fails.
 *
 * @example
 * failIfHtmlCut(page); // throws PageError for '<html><body><table>…' with no '</html>'
 */
export function failIfHtmlCut(page: FetchedPage): void {
  const body = page.body;
  const missing = [/<html[\s>]/i.test(body) && !/<\/html\s*>/i.test(body) ? '</html>' : null, /<body[\s>]/i.test(body) && !/<\/body\s*>/i.test(body) ? '</body>' : null].filter(
    (tag) => tag !== null,
  );
  if (missing.length === 0) return;
  throw new PageError(`${page.url}: the page ends after ${Buffer.byteLength(body)} bytes without ${missing.join(' and ')}; it was cut short (connection closed mid-body?)`, { transient: true });
}
