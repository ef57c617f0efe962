import { jsonText } from '../normalize/json-text.ts';
import type { RawListing } from '../normalize/listing.ts';
import type { SourceAdapter } from '../source-adapter.ts';
import { asRecord, asRows, jsonBody } from './json-body.ts';
import { countField, pagesAfter, plannedPages, plannedThroughOf } from './page-plan.ts';
import { pageOrigin, parseRows } from './parse-rows.ts';
import { failOnErrorEnvelope } from './platform-api.ts';

const ROWS = 50;
/** The demo's "too many requests" and "system busy" envelopes: read again before the page fails. */
const TRANSIENT_CODES = [42900, 5003];

/**
 * The demo marketplace's JSON API (`scripts/demo`): `GET /api/v1/ads?page=N&rows=50`,
 * paged until `page * rows >= total` (every page planned from the first, so
 * a failed page does not hide the ones after it); `code` other than 0 is an
 * error envelope, 42900 and 5003 transient ones.
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
    failOnErrorEnvelope(page, { platform: 'demo', ok: envelope.code === 0, code: envelope.code, message: envelope.msg, transient: TRANSIENT_CODES });
    const data = asRecord(envelope.data, 'data', page);
    const rows = asRows(data.items, 'data.items', page);
    const parsed = parseRows(rows, { platform: 'demo', raw: jsonText, extract: toRawListing, ...pageOrigin(page) });
    const pageNumber = Number(request.meta?.page ?? 1);
    const next = pagesAfter(page, {
      page: pageNumber,
      plannedThrough: plannedThroughOf(request.meta),
      returned: rows.length,
      pageSize: ROWS,
      total: countField(data.total, 'data.total', page),
      maxPages: source.maxPages,
    });
    return { ...parsed, next: plannedPages(next).map((at) => ({ url: pageUrl(source.baseUrl, at.page), meta: at })) };
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
