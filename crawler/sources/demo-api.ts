import type { RawListing } from '../normalize/listing.ts';
import { PageError, type SourceAdapter } from '../source-adapter.ts';
import { asRecord, asRows, jsonBody } from './json-body.ts';
import { parseRows } from './parse-rows.ts';

const ROWS = 50;

/**
 * The demo marketplace's JSON API (`scripts/demo`): `GET /api/v1/ads?page=N&rows=50`,
 * paged until `page * rows >= total`; `code` other than 0 is an error envelope.
 */
export const demoApiAdapter: SourceAdapter = {
  name: 'demo-api',
  kind: 'api',
  fetcher: 'http',
  platform: 'demo',
  hostCountry: 'SC',
  defaultBaseUrl: 'http://127.0.0.1:8787',
  // A local server: polite enough to show the limiter at work, fast enough for a demo.
  defaultPoliteness: { minGapMs: 50, concurrency: 2 },
  description: 'Demo marketplace, JSON API (run `otcwatch demo serve`)',

  startRequests(source) {
    return [{ url: pageUrl(source.baseUrl, 1), meta: { page: 1 } }];
  },

  parse(page, request, source) {
    const envelope = asRecord(jsonBody(page), 'the response', page);
    if (envelope.code !== 0) {
      throw new PageError(`${page.url}: error envelope code ${String(envelope.code)}: ${String(envelope.msg ?? '')}`);
    }
    const data = asRecord(envelope.data, 'data', page);
    const rows = asRows(data.items, 'data.items', page);
    const parsed = parseRows(rows, { platform: 'demo', url: page.url, raw: (row) => JSON.stringify(row), extract: toRawListing });
    const pageNumber = Number(request.meta?.page ?? 1);
    const more = pageNumber * ROWS < Number(data.total) && rows.length > 0;
    return { ...parsed, next: more ? [{ url: pageUrl(source.baseUrl, pageNumber + 1), meta: { page: pageNumber + 1 } }] : [] };
  },
};

function pageUrl(baseUrl: string, page: number): string {
  return new URL(`/api/v1/ads?page=${page}&rows=${ROWS}`, baseUrl).toString();
}

function toRawListing(row: unknown): RawListing {
  const ad = row as Record<string, unknown>;
  return {
    listingId: ad.adId as string,
    operatorId: ad.sellerId as string,
    operatorName: ad.sellerName,
    side: ad.side,
    asset: ad.asset,
    fiat: ad.fiat,
    price: ad.price,
    available: ad.available,
    minOrder: ad.minOrder,
    maxOrder: ad.maxOrder,
    paymentMethods: ad.payMethods as unknown[],
    terms: ad.terms,
    completionRate: ad.completionRate,
    completionRateScale: 'fraction',
    orderCount: ad.orders,
  };
}
