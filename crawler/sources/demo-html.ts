import * as cheerio from 'cheerio';
import type { Element } from 'domhandler';
import type { RawListing } from '../normalize/listing.ts';
import { PageError, type FetchedPage, type ParsedPage, type SourceAdapter } from '../source-adapter.ts';
import { parseRows } from './parse-rows.ts';

/**
 * The demo marketplace's server-rendered board: `GET /market?page=N`, a
 * Chinese-language table (`¥7.25`, `限额 ¥500.00-¥11,037.59`, payment
 * methods as icons named by `alt`), paged by its `rel="next"` link.
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
};

/**
 * Reads the demo board's markup, whoever rendered it: the server (`/market`)
 * or the browser (`/app`, see `demo-browser.ts`).
 */
export function parseDemoBoard(page: FetchedPage): ParsedPage {
  const $ = cheerio.load(page.body);
  const rows = $('table.ads tr.ad').toArray();
  if (rows.length === 0 && $('.no-results').length === 0) {
    const title = $('title').text().trim() || '(no title)';
    throw new PageError(`${page.url}: no listing rows and no "no results" marker (page "${title}"); layout changed or an interstitial?`);
  }
  const parsed = parseRows(rows, {
    platform: 'demo',
    url: page.url,
    raw: (row) => $.html(row),
    extract: (row) => boardRow($, row),
  });
  const nextHref = $('a[rel="next"]').attr('href');
  return { ...parsed, next: nextHref ? [{ url: new URL(nextHref, page.url).toString() }] : [] };
}

function boardRow($: cheerio.CheerioAPI, row: Element): RawListing {
  const cell = (name: string) => $(row).find(`td.${name}`);
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
    terms: text('terms'),
    completionRate: rate.replace(/%$/, ''),
    completionRateScale: 'percent',
    orderCount: text('orders'),
  };
}
