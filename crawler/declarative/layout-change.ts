import { PageError } from '../source-adapter.ts';

/**
 * The page error for a page whose rows selector or path found nothing and
 * that is not marked as empty: the site changed its layout, or served an
 * interstitial (captcha, login wall). Failing the page, rather than reading
 * it as "no listings", keeps the run partial so nothing appears to vanish.
 *
 * `interstitial` (the page reads as a captcha) makes the failure transient,
 * so the page is read again before it fails.
 *
 * @example
 * ```ts
 * throw layoutChanged('https://desk.example/m?page=2', 'rows selector "tr.ad" matched nothing', 'page "Verify you are human"');
 * // https://desk.example/m?page=2: rows selector "tr.ad" matched nothing and the page is not marked as empty (page "Verify you are human"); layout changed?
 * ```
 */
export function layoutChanged(url: string, found: string, seen?: string, interstitial = false): PageError {
  const why = interstitial ? 'it reads as a captcha or interstitial (layout changed?)' : 'layout changed?';
  return new PageError(`${url}: ${found} and the page is not marked as empty${seen ? ` (${seen})` : ''}; ${why}`, { transient: interstitial });
}
