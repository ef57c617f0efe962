import type { ListingSide } from '../listing.ts';
import type { RawListing } from '../normalize/listing.ts';
import type { SourceAdapter, SourceConfig } from '../source-adapter.ts';
import { DEFAULT_MATRIX, advertiserSide, expandMatrix, type MarketCell, type MatrixPage } from './crawl-matrix.ts';
import { methodNameOf, withOverrides, type IdTable } from './id-table.ts';
import { asRecord, asRows } from './json-body.ts';
import { countField, pagesAfter, plannedPages } from './page-plan.ts';
import { apiUrl, failOnErrorEnvelope, matrixRequest, parseJsonRows, parseMatrixPage } from './platform-api.ts';
import { fieldAt, listAt, rawFields } from './row-fields.ts';

const ITEMS_PATH = '/fiat/otc/item/online';
/** Rows asked for per page, as Bybit's web client does. */
const SIZE = 10;

/**
 * Bybit payment-type ids that public client code agrees on. Bybit names its
 * ids only through a logged-in configuration call, and the ids of the
 * mainland rails (Alipay, WeChat Pay, UnionPay) are not public: set
 * `params.paymentIdMap` (`{"<id>": "Alipay"}`) from that call. Until then
 * an unnamed id is kept as the unknown method `bybit:<id>`.
 */
export const BYBIT_PAYMENT_IDS: IdTable = { '14': 'Bank Transfer', '382': 'SBP', '383': 'MIR', '581': 'Tinkoff', '585': 'Sberbank' };

/** Bybit's documented codes for "try again": server timeout (10000), too many visits (10006), server error (10016). */
const TRANSIENT_CODES = [10000, 10006, 10016];

/** Where each field sits in an item; also the paths parse failures name. */
const FIELDS = {
  listingId: 'id',
  operatorId: 'userId',
  operatorName: 'nickName',
  side: 'side',
  asset: 'tokenId',
  fiat: 'currencyId',
  price: 'price',
  // `quantity` is what the ad started with; `lastQuantity` what is left.
  available: 'lastQuantity',
  minOrder: 'minAmount',
  maxOrder: 'maxAmount',
  paymentMethods: 'payments',
  terms: 'remark',
  completionRate: 'recentExecuteRate',
  // Bybit's "recent" figures cover the last 30 days.
  monthOrderCount: 'recentOrderNum',
} as const;

/** The query's `side` "1" lists sellers' ads (the taker buys), "0" buyers' ads; a row's numeric `side` says the same. */
const QUERY_SIDE: Record<ListingSide, string> = { sell: '1', buy: '0' };
const ROW_SIDES: Record<string, ListingSide> = { '1': 'sell', '0': 'buy' };

/**
 * Bybit P2P: `POST /fiat/otc/item/online` per asset × fiat × side, numbers
 * sent as strings, 10 items a page, paged until a short page or
 * `page * size >= result.count`. `params.payTypes` takes Bybit payment ids,
 * sent together; `params.paymentIdMap` names ids beyond the shipped table.
 * An error envelope is a `ret_code` other than 0.
 */
export const bybitAdapter: SourceAdapter = {
  name: 'bybit',
  kind: 'api',
  fetcher: 'http',
  platform: 'bybit',
  defaultBaseUrl: 'https://api2.bybit.com',
  defaultParams: { ...DEFAULT_MATRIX },
  defaultPoliteness: { minGapMs: 2000, concurrency: 1 },
  description: 'Bybit P2P items (JSON over POST, paged; payment ids mapped)',

  startRequests(source) {
    // Checked here so a bad map fails the run before any request.
    withOverrides(BYBIT_PAYMENT_IDS, source.params.paymentIdMap, 'paymentIdMap');
    return expandMatrix(source.params, 'together').map((cell) => itemsRequest(source, { cell, page: 1 }));
  },

  parse(page, request, source) {
    const paymentIds = withOverrides(BYBIT_PAYMENT_IDS, source.params.paymentIdMap, 'paymentIdMap');
    return parseMatrixPage(page, request, (at, body) => {
      const envelope = asRecord(body, 'the response', page);
      failOnErrorEnvelope(page, { platform: 'Bybit', ok: envelope.ret_code === 0, code: envelope.ret_code, message: envelope.ret_msg, transient: TRANSIENT_CODES });
      const result = asRecord(envelope.result, 'result', page);
      const rows = asRows(result.items, 'result.items', page);
      const parsed = parseJsonRows(page, rows, { platform: 'bybit', fieldPaths: FIELDS, extract: (row) => toRawListing(row, at.cell, paymentIds) });
      const total = countField(result.count, 'result.count', page);
      const next = pagesAfter(page, { page: at.page, plannedThrough: at.plannedThrough, returned: rows.length, pageSize: SIZE, total, maxPages: source.maxPages });
      return { ...parsed, next: plannedPages(next).map((planned) => itemsRequest(source, { cell: at.cell, ...planned })) };
    });
  },
};

function itemsRequest(source: SourceConfig, at: MatrixPage) {
  return matrixRequest(at, apiUrl(source.baseUrl, ITEMS_PATH), {
    userId: '',
    tokenId: at.cell.asset,
    currencyId: at.cell.fiat,
    payment: at.cell.payTypes,
    side: QUERY_SIDE[at.cell.side],
    size: String(SIZE),
    page: String(at.page),
    amount: '',
    authMaker: false,
    canTrade: false,
  });
}

function toRawListing(row: unknown, cell: MarketCell, paymentIds: IdTable): RawListing {
  return {
    ...rawFields(row, FIELDS),
    side: advertiserSide(fieldAt(row, FIELDS.side), ROW_SIDES, cell, FIELDS.side),
    paymentMethods: listAt(row, FIELDS.paymentMethods).map((id) => methodNameOf(paymentIds, id, 'bybit')),
    completionRateScale: 'percent',
  };
}
