import type { ListingSide } from '../listing.ts';
import type { RawListing } from '../normalize/listing.ts';
import type { SourceAdapter, SourceConfig } from '../source-adapter.ts';
import { DEFAULT_MATRIX, advertiserSide, expandMatrix, type MarketCell, type MatrixPage } from './crawl-matrix.ts';
import { idForName, methodNameOf, requiredNameOf, type IdTable } from './id-table.ts';
import { asRecord, asRows } from './json-body.ts';
import { countField, pagesAfter, plannedPages } from './page-plan.ts';
import { apiUrl, failOnErrorEnvelope, matrixRequest, parseJsonRows, parseMatrixPage } from './platform-api.ts';
import { fieldAt, listAt, rawFields } from './row-fields.ts';

const MARKET_PATH = '/v1/data/trade-market';

/** HTX's numeric ids (formats README); a row with another coin or currency id fails naming the field. */
const COINS: IdTable = { '1': 'BTC', '2': 'USDT', '3': 'ETH' };
const CURRENCIES: IdTable = { '1': 'CNY' };
/** Payment-method ids, named as HTX's own `payMethods[].name` spells them, so both routes store the same raw text. */
const PAY_METHODS: IdTable = { '1': '银行卡', '2': '支付宝', '3': '微信' };

/** HTX's envelope numbers its codes like HTTP (200 = ok): rate limited and server-side ones are read as "try again". */
const TRANSIENT_CODES = [429, 500, 502, 503, 504];

/** Where each field sits in a market row; also the paths parse failures name. */
const FIELDS = {
  listingId: 'id',
  operatorId: 'uid',
  operatorName: 'userName',
  side: 'tradeType',
  asset: 'coinId',
  fiat: 'currency',
  price: 'price',
  // `tradeCount` is the quantity of the asset still on offer.
  available: 'tradeCount',
  minOrder: 'minTradeLimit',
  maxOrder: 'maxTradeLimit',
  paymentMethods: 'payMethods',
  completionRate: 'orderCompleteRate',
  monthOrderCount: 'tradeMonthTimes',
} as const;

/**
 * The query's `tradeType` names the advertisers' side (`sell` lists sellers'
 * ads). A row's numeric `tradeType` is 1 on sellers' ads (formats README);
 * 0 for buyers' ads is assumed, and a contradiction fails the row rather
 * than storing a wrong side.
 */
const ROW_SIDES: Record<string, ListingSide> = { '1': 'sell', '0': 'buy' };

/**
 * HTX (Huobi) OTC: `GET /v1/data/trade-market` per asset × fiat × side,
 * with numeric ids for coin, currency and payment method, paged with
 * `currPage` until `currPage >= totalPage`. `params.payTypes` takes HTX
 * payMethod ids (`"2"`) or their names (`支付宝`), one per request. An error
 * envelope is a `code` other than 200 (or `success:false`).
 */
export const htxAdapter: SourceAdapter = {
  name: 'htx',
  kind: 'api',
  fetcher: 'http',
  platform: 'htx',
  defaultBaseUrl: 'https://www.htx.com',
  defaultParams: { ...DEFAULT_MATRIX },
  defaultPoliteness: { minGapMs: 2000, concurrency: 1 },
  description: 'HTX (Huobi) OTC market (JSON over GET, numeric ids, paged)',

  startRequests(source) {
    return expandMatrix(source.params, 'each').map((cell) => marketRequest(source, { cell, page: 1 }));
  },

  parse(page, request, source) {
    return parseMatrixPage(page, request, (at, body) => {
      const envelope = asRecord(body, 'the response', page);
      failOnErrorEnvelope(page, {
        platform: 'HTX',
        ok: envelope.code === 200 && envelope.success !== false,
        code: envelope.code,
        message: envelope.message,
        transient: TRANSIENT_CODES,
      });
      const rows = asRows(envelope.data, 'data', page);
      const parsed = parseJsonRows(page, rows, { platform: 'htx', fieldPaths: FIELDS, extract: (row) => toRawListing(row, at.cell) });
      const next = pagesAfter(page, {
        page: at.page,
        plannedThrough: at.plannedThrough,
        returned: rows.length,
        pageSize: countField(envelope.pageSize, 'pageSize', page),
        totalPages: countField(envelope.totalPage, 'totalPage', page),
        maxPages: source.maxPages,
      });
      return { ...parsed, next: plannedPages(next).map((planned) => marketRequest(source, { cell: at.cell, ...planned })) };
    });
  },
};

function marketRequest(source: SourceConfig, at: MatrixPage) {
  const payType = at.cell.payTypes[0];
  const url = apiUrl(source.baseUrl, MARKET_PATH, {
    coinId: idForName(COINS, at.cell.asset, 'params.assets: HTX coin'),
    currency: idForName(CURRENCIES, at.cell.fiat, 'params.fiats: HTX currency'),
    tradeType: at.cell.side,
    currPage: String(at.page),
    payMethod: payType === undefined ? '0' : /^\d+$/.test(payType) ? payType : idForName(PAY_METHODS, payType, 'params.payTypes: HTX payment method'),
    acceptOrder: '0',
    country: '',
    blockType: 'general',
    online: '1',
    range: '0',
    amount: '',
    onlyTradable: 'false',
  });
  return matrixRequest(at, url);
}

function toRawListing(row: unknown, cell: MarketCell): RawListing {
  return {
    ...rawFields(row, FIELDS),
    side: advertiserSide(fieldAt(row, FIELDS.side), ROW_SIDES, cell, FIELDS.side),
    asset: requiredNameOf(COINS, fieldAt(row, FIELDS.asset), FIELDS.asset, 'HTX coin id'),
    fiat: requiredNameOf(CURRENCIES, fieldAt(row, FIELDS.fiat), FIELDS.fiat, 'HTX currency id'),
    paymentMethods: paymentMethodsOf(row),
    completionRateScale: 'percent',
  };
}

/** `payMethods[]` names where given, else its ids through the table; rows without that list fall back to the `payMethod` id string ("1,2,3"). */
function paymentMethodsOf(row: unknown): unknown[] {
  const listed = listAt(row, FIELDS.paymentMethods);
  if (listed.length > 0) {
    return listed.map((method) => {
      const name = fieldAt(method, 'name');
      return typeof name === 'string' && name.trim() !== '' ? name : methodNameOf(PAY_METHODS, fieldAt(method, 'methodId'), 'htx');
    });
  }
  const ids = fieldAt(row, 'payMethod');
  if (typeof ids !== 'string' || ids.trim() === '') return [];
  return ids.split(',').map((id) => methodNameOf(PAY_METHODS, id, 'htx'));
}
