import type { ListingSide } from '../listing.ts';
import type { RawListing } from '../normalize/listing.ts';
import type { SourceAdapter, SourceConfig } from '../source-adapter.ts';
import { DEFAULT_MATRIX, advertiserSide, expandMatrix, type MarketCell, type MatrixPage } from './crawl-matrix.ts';
import { asRecord, asRows } from './json-body.ts';
import { apiUrl, failOnErrorEnvelope, matrixRequest, parseJsonRows, parseMatrixPage } from './platform-api.ts';
import { fieldAt, rawFields } from './row-fields.ts';

const BOOKS_PATH = '/v3/c2c/tradingOrders/books';

/** Where each field sits in a book row; also the paths parse failures name. */
const FIELDS = {
  listingId: 'id',
  operatorId: 'publicUserId',
  operatorName: 'nickName',
  side: 'side',
  asset: 'baseCurrency',
  fiat: 'quoteCurrency',
  price: 'price',
  available: 'availableAmount',
  minOrder: 'quoteMinAmountPerOrder',
  maxOrder: 'quoteMaxAmountPerOrder',
  // `aliPay`, `wxPay`, `bank`: catalog aliases, so no table is needed.
  paymentMethods: 'paymentMethods',
  completionRate: 'completedRate',
  orderCount: 'completedOrderQuantity',
} as const;

/** OKX's documented codes for "try again": service unavailable (50001), rate limit (50011), system busy (50013), system error (50026). */
const TRANSIENT_CODES = [50001, 50011, 50013, 50026];

/** OKX names the book by the advertisers' side (`side=sell` are sellers' ads), and each row repeats it. */
const ROW_SIDES: Record<string, ListingSide> = { sell: 'sell', buy: 'buy' };

/**
 * OKX P2P: `GET /v3/c2c/tradingOrders/books` once per asset × fiat × side
 * (and per payment filter: `params.payTypes` takes OKX filter names such as
 * `alipay`, `wxPay`, `bank`, one per request). The book is not paged; the
 * server caps it. An error envelope is a `code` other than 0.
 */
export const okxAdapter: SourceAdapter = {
  name: 'okx',
  kind: 'api',
  fetcher: 'http',
  platform: 'okx',
  // Aux Cayes FinTech Co. Ltd., Seychelles, runs okx.com for users outside licensed regions (okx.com/help/terms-of-service).
  hostCountry: 'SC',
  defaultBaseUrl: 'https://www.okx.com',
  defaultParams: { ...DEFAULT_MATRIX },
  defaultPoliteness: { minGapMs: 2000, concurrency: 1 },
  description: 'OKX P2P order books (JSON over GET, one book per side)',

  startRequests(source) {
    return expandMatrix(source.params, 'each').map((cell) => bookRequest(source, { cell, page: 1 }));
  },

  parse(page, request) {
    return parseMatrixPage(page, request, (at, body) => {
      const envelope = asRecord(body, 'the response', page);
      failOnErrorEnvelope(page, { platform: 'OKX', ok: envelope.code === 0 || envelope.code === '0', code: envelope.code, message: envelope.msg, transient: TRANSIENT_CODES });
      const data = asRecord(envelope.data, 'data', page);
      // An empty list is OKX's "no ads on this book"; a missing one is a layout change.
      const rows = asRows(data[at.cell.side], `data.${at.cell.side}`, page);
      const parsed = parseJsonRows(page, rows, { platform: 'okx', fieldPaths: FIELDS, extract: (row) => toRawListing(row, at.cell) });
      return { ...parsed, next: [] };
    });
  },
};

function bookRequest(source: SourceConfig, at: MatrixPage) {
  // The web client adds `t=<ms>` to dodge caches; left out so a crawl's URLs are stable evidence.
  const url = apiUrl(source.baseUrl, BOOKS_PATH, {
    quoteCurrency: at.cell.fiat.toLowerCase(),
    baseCurrency: at.cell.asset.toLowerCase(),
    side: at.cell.side,
    paymentMethod: at.cell.payTypes[0] ?? 'all',
    userType: 'all',
    showTrade: 'false',
    showFollow: 'false',
    showAlreadyTraded: 'false',
    isAbleFilter: 'false',
    receivingAds: 'false',
  });
  return matrixRequest(at, url);
}

function toRawListing(row: unknown, cell: MarketCell): RawListing {
  return {
    ...rawFields(row, FIELDS),
    side: advertiserSide(fieldAt(row, FIELDS.side), ROW_SIDES, cell, FIELDS.side),
    completionRateScale: 'fraction',
  };
}
