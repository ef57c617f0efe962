import type { ListingSide } from '../listing.ts';
import type { RawListing } from '../normalize/listing.ts';
import type { SourceAdapter, SourceConfig } from '../source-adapter.ts';
import { DEFAULT_MATRIX, advertiserSide, expandMatrix, type MarketCell, type MatrixPage } from './crawl-matrix.ts';
import { asRecord, asRows } from './json-body.ts';
import { countField, pagesAfter, plannedPages } from './page-plan.ts';
import { apiUrl, failOnErrorEnvelope, matrixRequest, parseJsonRows, parseMatrixPage } from './platform-api.ts';
import { fieldAt, listAt, rawFields } from './row-fields.ts';

const SEARCH_PATH = '/bapi/c2c/v2/friendly/c2c/adv/search';
/** The most rows Binance serves per page. */
const ROWS = 20;

/** Where each field sits in a search row; also the paths parse failures name. */
const FIELDS = {
  listingId: 'adv.advNo',
  operatorId: 'advertiser.userNo',
  operatorName: 'advertiser.nickName',
  side: 'adv.tradeType',
  asset: 'adv.asset',
  fiat: 'adv.fiatUnit',
  price: 'adv.price',
  // What is left to trade on the ad; `tradableQuantity` can be lower while orders are open.
  available: 'adv.surplusAmount',
  minOrder: 'adv.minSingleTransAmount',
  maxOrder: 'adv.maxSingleTransAmount',
  paymentMethods: 'adv.tradeMethods',
  terms: 'adv.remarks',
  completionRate: 'advertiser.monthFinishRate',
  orderCount: 'advertiser.orderCount',
  monthOrderCount: 'advertiser.monthOrderCount',
} as const;

/**
 * Codes read as "busy, try again": Binance's documented API codes for too
 * many requests (-1003), an internal error to retry (-1001) and a timeout
 * (-1007). The P2P web API's own busy codes are not public; add them here
 * when seen.
 */
const TRANSIENT_CODES = ['-1003', '-1001', '-1007'];

/** The query's `tradeType` is the taker's side: a taker who BUYs is shown the sellers' ads. */
const TAKER_TRADE_TYPE: Record<ListingSide, string> = { sell: 'BUY', buy: 'SELL' };
/** A row's `adv.tradeType` is the advertiser's own side. */
const ROW_SIDES: Record<string, ListingSide> = { SELL: 'sell', BUY: 'buy' };

/**
 * Binance P2P: `POST /bapi/c2c/v2/friendly/c2c/adv/search` per asset × fiat
 * × side, 20 rows a page, paged until a short page or `page * rows >= total`.
 * `params.payTypes` takes Binance method identifiers (`ALIPAY`, `WECHAT`,
 * `BANK`), sent together as one filter. An error envelope is `success:false`
 * or a `code` other than `"000000"`.
 */
export const binanceAdapter: SourceAdapter = {
  name: 'binance',
  kind: 'api',
  fetcher: 'http',
  platform: 'binance',
  defaultBaseUrl: 'https://p2p.binance.com',
  defaultParams: { ...DEFAULT_MATRIX },
  // Binance bans clients that keep going after a 429 (HTTP 418): one request at a time, 2 s apart.
  defaultPoliteness: { minGapMs: 2000, concurrency: 1 },
  description: 'Binance P2P ads (JSON over POST, paged)',

  startRequests(source) {
    return expandMatrix(source.params, 'together').map((cell) => searchRequest(source, { cell, page: 1 }));
  },

  parse(page, request, source) {
    return parseMatrixPage(page, request, (at, body) => {
      const envelope = asRecord(body, 'the response', page);
      failOnErrorEnvelope(page, {
        platform: 'Binance',
        ok: envelope.success === true && envelope.code === '000000',
        code: envelope.code,
        message: envelope.message ?? envelope.messageDetail,
        transient: TRANSIENT_CODES,
      });
      const rows = asRows(envelope.data, 'data', page);
      const parsed = parseJsonRows(page, rows, { platform: 'binance', fieldPaths: FIELDS, extract: (row) => toRawListing(row, at.cell) });
      const total = countField(envelope.total, 'total', page);
      const next = pagesAfter(page, { page: at.page, plannedThrough: at.plannedThrough, returned: rows.length, pageSize: ROWS, total, maxPages: source.maxPages });
      return { ...parsed, next: plannedPages(next).map((planned) => searchRequest(source, { cell: at.cell, ...planned })) };
    });
  },
};

function searchRequest(source: SourceConfig, at: MatrixPage) {
  return matrixRequest(at, apiUrl(source.baseUrl, SEARCH_PATH), {
    asset: at.cell.asset,
    fiat: at.cell.fiat,
    tradeType: TAKER_TRADE_TYPE[at.cell.side],
    page: at.page,
    rows: ROWS,
    payTypes: at.cell.payTypes,
    publisherType: null,
    merchantCheck: false,
    countries: [],
    proMerchantAds: false,
  });
}

function toRawListing(row: unknown, cell: MarketCell): RawListing {
  return {
    ...rawFields(row, FIELDS),
    side: advertiserSide(fieldAt(row, FIELDS.side), ROW_SIDES, cell, FIELDS.side),
    // The identifier is what `payTypes` filters on and is not localized; the display name is the fallback.
    paymentMethods: listAt(row, FIELDS.paymentMethods).map((method) => fieldAt(method, 'identifier') || fieldAt(method, 'tradeMethodName')),
    completionRateScale: 'fraction',
  };
}
