import { loadBooks, type PlatformKit } from './platform-server.ts';
import { dec, type StoredListing } from './stored-listings.ts';

interface BinanceRow {
  adv: {
    advNo: string;
    tradeType: string;
    asset: string;
    fiatUnit: string;
    price: string;
    surplusAmount: string;
    minSingleTransAmount: string;
    maxSingleTransAmount: string;
    remarks: string | null;
    tradeMethods: { identifier: string }[];
  };
  advertiser: { userNo: string; nickName: string; orderCount: number; monthOrderCount: number; monthFinishRate: number };
}

/** Canonical codes of the identifiers in the fixture; anything else is an unknown method. */
const METHOD_CODES: Record<string, string> = { ALIPAY: 'alipay', WECHAT: 'wechat_pay', BANK: 'cn_bank_card' };

/**
 * Binance P2P as the formats README shows it: `POST
 * /bapi/c2c/v2/friendly/c2c/adv/search` with a JSON body (rows ≤ 20), books
 * keyed by asset, fiat and the taker's `tradeType`, paged by `page`/`rows`.
 */
export const binanceKit: PlatformKit = {
  adapter: 'binance',
  platform: 'binance',
  method: 'POST',
  path: '/bapi/c2c/v2/friendly/c2c/adv/search',
  books: loadBooks('binance'),
  pageSize: 20,
  pricePath: 'adv.price',
  readRequest(_url, body) {
    const b = body as Record<string, unknown>;
    if (typeof b !== 'object' || b === null) return 'body is not an object';
    if (typeof b.asset !== 'string' || typeof b.fiat !== 'string') return 'asset and fiat must be strings';
    if (b.tradeType !== 'BUY' && b.tradeType !== 'SELL') return `tradeType must be BUY or SELL, got ${String(b.tradeType)}`;
    if (typeof b.page !== 'number' || !Number.isInteger(b.page) || b.page < 1) return `page must be a whole number ≥ 1, got ${String(b.page)}`;
    if (typeof b.rows !== 'number' || !Number.isInteger(b.rows) || b.rows < 1 || b.rows > 20) return `rows must be 1..20, got ${String(b.rows)}`;
    if (!Array.isArray(b.payTypes) || !Array.isArray(b.countries)) return 'payTypes and countries must be lists';
    if (!('publisherType' in b) || typeof b.merchantCheck !== 'boolean' || typeof b.proMerchantAds !== 'boolean') return 'publisherType, merchantCheck, proMerchantAds missing';
    return { query: { asset: b.asset, fiat: b.fiat, tradeType: b.tradeType }, page: b.page, pageSize: b.rows };
  },
  respond: (rows, at) => ({ code: '000000', message: null, messageDetail: null, total: at.total, success: true, data: rows }),
  errorEnvelope: {
    body: { code: '000002', message: 'Too many requests, please try again later', messageDetail: null, data: null, total: 0, success: false },
    code: '000002',
    message: 'Too many requests, please try again later',
  },
  expected(row): StoredListing {
    const { adv, advertiser } = row as BinanceRow;
    return {
      listing: adv.advNo,
      operator: `id:${advertiser.userNo}`,
      operatorName: advertiser.nickName,
      // The row speaks for the advertiser: SELL is a seller's ad, whatever the query's tradeType.
      side: adv.tradeType === 'SELL' ? 'sell' : 'buy',
      asset: adv.asset,
      fiat: adv.fiatUnit,
      price: dec(adv.price),
      available: dec(adv.surplusAmount),
      minOrder: dec(adv.minSingleTransAmount),
      maxOrder: dec(adv.maxSingleTransAmount),
      terms: adv.remarks,
      completionRate: dec(advertiser.monthFinishRate),
      orderCount: advertiser.orderCount,
      monthOrderCount: advertiser.monthOrderCount,
      methods: adv.tradeMethods.map((m) => `${METHOD_CODES[m.identifier] ?? '?'} ${m.identifier}`).sort(),
    };
  },
};
