import { loadBooks, type PlatformKit } from './platform-server.ts';
import { dec, percentAsFraction, type StoredListing } from './stored-listings.ts';

interface HtxRow {
  id: number;
  uid: number;
  userName: string;
  coinId: number;
  currency: number;
  tradeType: number;
  payMethod: string;
  payMethods?: { methodId: number; name?: string }[];
  minTradeLimit: string;
  maxTradeLimit: string;
  price: string | number;
  tradeCount: string;
  tradeMonthTimes: number;
  orderCompleteRate: string | number;
}

const COINS: Record<number, string> = { 1: 'BTC', 2: 'USDT' };
/** HTX's id table as the fixture uses it; names are how HTX spells them in `payMethods`. */
const METHOD_NAMES: Record<number, string> = { 1: '银行卡', 2: '支付宝', 3: '微信' };
const METHOD_CODES: Record<string, string> = { 银行卡: 'cn_bank_card', 支付宝: 'alipay', 微信: 'wechat_pay', 云闪付: 'unionpay' };
const PAGE_SIZE = 10;

/**
 * HTX OTC as the formats README shows it: `GET /v1/data/trade-market` with
 * numeric `coinId`/`currency`/`payMethod`, the advertisers' `tradeType`,
 * paged by `currPage` (10 rows a page, as the server decides).
 */
export const htxKit: PlatformKit = {
  adapter: 'htx',
  platform: 'htx',
  method: 'GET',
  path: '/v1/data/trade-market',
  books: loadBooks('htx'),
  pageSize: PAGE_SIZE,
  pricePath: 'price',
  readRequest(url) {
    const q = Object.fromEntries(url.searchParams);
    const { coinId, currency, tradeType, currPage, payMethod } = q;
    const numeric = (value: string | undefined) => value !== undefined && /^\d+$/.test(value);
    if (!numeric(coinId) || !numeric(currency) || !numeric(payMethod)) return 'coinId, currency and payMethod must be numeric ids';
    if (tradeType !== 'sell' && tradeType !== 'buy') return `tradeType must be sell or buy, got ${tradeType}`;
    if (!numeric(currPage) || Number(currPage) < 1) return `currPage must be a whole number ≥ 1, got ${currPage}`;
    if (q.blockType !== 'general' || q.online !== '1') return 'blockType=general and online=1 are expected';
    return { query: { coinId: coinId!, currency: currency!, tradeType }, page: Number(currPage), pageSize: PAGE_SIZE };
  },
  respond: (rows, at) => ({
    code: 200,
    message: '成功',
    success: true,
    totalCount: at.total,
    pageSize: PAGE_SIZE,
    totalPage: Math.ceil(at.total / PAGE_SIZE),
    currPage: at.page,
    data: rows,
  }),
  errorEnvelope: { body: { code: 1001, message: '系统繁忙，请稍后再试', success: false, data: null }, code: '1001', message: '系统繁忙，请稍后再试' },
  expected(row): StoredListing {
    const r = row as HtxRow;
    const names = r.payMethods
      ? r.payMethods.map((m) => m.name ?? METHOD_NAMES[m.methodId] ?? `htx:${m.methodId}`)
      : r.payMethod.split(',').map((id) => METHOD_NAMES[Number(id)] ?? `htx:${id}`);
    return {
      listing: String(r.id),
      operator: `id:${r.uid}`,
      operatorName: r.userName,
      side: r.tradeType === 1 ? 'sell' : 'buy',
      asset: COINS[r.coinId]!,
      fiat: r.currency === 1 ? 'CNY' : '?',
      price: dec(r.price),
      available: dec(r.tradeCount),
      minOrder: dec(r.minTradeLimit),
      maxOrder: dec(r.maxTradeLimit),
      terms: null,
      completionRate: percentAsFraction(r.orderCompleteRate),
      orderCount: null,
      monthOrderCount: r.tradeMonthTimes,
      methods: names.map((name) => `${METHOD_CODES[name] ?? '?'} ${name}`).sort(),
    };
  },
};
