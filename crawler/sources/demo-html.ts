import type { CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import type { RawListing } from '../normalize/listing.ts';
import { PageError, isPastFailure, pastFailure, type FetchedPage, type PageRequest, type ParsedPage, type SourceAdapter } from '../source-adapter.ts';
import { loadHtml } from './html-page.ts';
import { failIfHtmlCut, looksLikeInterstitial } from './page-checks.ts';
import { pageOrigin, parseRows } from './parse-rows.ts';

/**
 * The demo marketplace's server-rendered board: `GET /market?page=N`, a
 * Chinese-language table (`¥7.25`, `限额 ¥500.00-¥11,037.59`, payment
 * methods as icons named by `alt`), paged by its `rel="next"` link (after a
 * failed page, by its page number). A page cut short (no closing tags)
 * fails as transient, as does a captcha page.
 */
export const demoHtmlAdapter: SourceAdapter = {
  name: 'demo-html',
  kind: 'html',
  fetcher: 'http',
  platform: 'demo',
  hostCountry: 'SC',
  defaultBaseUrl: 'http://127.0.0.1:8787',
  // A local server: polite enough to show the limiter at work, fast enough for a demo.
  defaultPoliteness: { minGapMs: 50, concurrency: 2 },
  description: 'Demo marketplace, server-rendered HTML board',

  startRequests(source) {
    return [{ url: new URL('/market?page=1', source.baseUrl).toString() }];
  },

  parse(page) {
    return parseDemoBoard(page);
  },

  afterFailure: (request) => boardPagesAfterFailure(request),
};

/**
 * The demo board's next page when a page failed: its `page` number plus
 * one, so a failed page does not end the crawl (its pager link is gone with
 * it). Not past a second failure in a row.
 *
 * @example
 * boardPagesAfterFailure({ url: 'http://127.0.0.1:8787/market?page=3' }); // [{ url: "…/market?page=4", meta: { pastFailure: true } }]
 */
export function boardPagesAfterFailure(request: PageRequest): PageRequest[] {
  const url = new URL(request.url);
  const page = Number(url.searchParams.get('page') ?? '1');
  if (isPastFailure(request) || !Number.isInteger(page)) return [];
  url.searchParams.set('page', String(page + 1));
  return [pastFailure({ ...request, url: url.toString() })];
}

/**
 * Reads the demo board's markup, whoever rendered it: the server (`/market`)
 * or the browser (`/app`, see `demo-browser.ts`).
 */
export function parseDemoBoard(page: FetchedPage): ParsedPage {
  failIfHtmlCut(page);
  const $ = loadHtml(page.body);
  const rows = $('table.ads tr.ad').toArray();
  if (rows.length === 0 && $('.no-results').length === 0) {
    const title = $('title').text().trim() || '(no title)';
    throw new PageError(`${page.url}: no listing rows and no "no results" marker (page "${title}"); layout changed or an interstitial?`, {
      transient: looksLikeInterstitial(`${title} ${$('body').text().slice(0, 2000)}`),
    });
  }
  const parsed = parseRows(rows, {
    platform: 'demo',
    ...pageOrigin(page),
    raw: (row) => $.html(row),
    extract: (row) => boardRow($, row),
  });
  const nextHref = $('a[rel="next"]').attr('href');
  return { ...parsed, next: nextHref ? [{ url: new URL(nextHref, page.url).toString() }] : [] };
}

function boardRow($: CheerioAPI, row: Element): RawListing {
  // The row's cells by class, in one pass: a `find('td.<name>')` per field compiled and ran a selector
  // query each, a quarter of an HTML crawl's time.
  const cells = new Map<string, Element>();
  for (const child of row.children) {
    if (child.type === 'tag' && child.name === 'td') for (const name of (child.attribs.class ?? '').split(/\s+/)) cells.set(name, child);
  }
  const cell = (name: string) => $(cells.get(name) ?? ([] as Element[]));
  const text = (name: string) => cell(name).text().trim();
  const sellerLink = cell('seller').find('a.seller-link');
  const rate = text('rate');
  return {
    listingId: $(row).attr('data-ad-id') ?? null,
    operatorProfileUrl: sellerLink.attr('href') ?? null,
    operatorId: sellerLink.attr('href')?.match(/\/u\/([^/?#]+)/)?.[1] ?? null,
    operatorName: sellerLink.text().trim(),
    side: text('side'),
    asset: text('asset'),
    fiat: text('fiat'),
    price: text('price'),
    available: text('available'),
    limits: text('limits'),
    paymentMethods: cell('pay')
      .find('img')
      .toArray()
      .map((img) => $(img).attr('alt') ?? $(img).attr('title') ?? ''),
    paymentMethodSource: 'icon',
    terms: text('terms'),
    completionRate: rate.replace(/%$/, ''),
    completionRateScale: 'percent',
    orderCount: text('orders'),
  };
}
