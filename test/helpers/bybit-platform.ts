import { loadBooks, type PlatformKit } from './platform-server.ts';
import { dec, percentAsFraction, type StoredListing } from './stored-listings.ts';

interface BybitRow {
  id: string;
  userId: string;
  nickName: string;
  tokenId: string;
  currencyId: string;
  side: number;
  price: string;
  lastQuantity: string;
  minAmount: string;
  maxAmount: string;
  payments: string[];
  recentOrderNum: number;
  recentExecuteRate: number;
  remark: string;
}

const PAGE_SIZE = 10;

/**
 * Bybit P2P as the formats README shows it: `POST /fiat/otc/item/online`
 * with every number sent as a string, books keyed by token, currency and
 * `side` ("1" sellers' ads), paged by `page`/`size`.
 */
export const bybitKit: PlatformKit & { expectedWith(row: unknown, names: Record<string, [string, string]>): StoredListing } = {
  adapter: 'bybit',
  platform: 'bybit',
  method: 'POST',
  path: '/fiat/otc/item/online',
  books: loadBooks('bybit'),
  pageSize: PAGE_SIZE,
  pricePath: 'price',
  readRequest(_url, body) {
    const b = body as Record<string, unknown>;
    if (typeof b !== 'object' || b === null) return 'body is not an object';
    if (typeof b.tokenId !== 'string' || typeof b.currencyId !== 'string') return 'tokenId and currencyId must be strings';
    if (b.side !== '1' && b.side !== '0') return `side must be the string "1" or "0", got ${JSON.stringify(b.side)}`;
    if (typeof b.size !== 'string' || !/^\d+$/.test(b.size) || typeof b.page !== 'string' || !/^[1-9]\d*$/.test(b.page)) return `size and page must be digit strings, got ${JSON.stringify([b.size, b.page])}`;
    if (!Array.isArray(b.payment) || typeof b.userId !== 'string' || typeof b.amount !== 'string') return 'payment, userId and amount are required';
    return { query: { tokenId: b.tokenId, currencyId: b.currencyId, side: b.side }, page: Number(b.page), pageSize: Number(b.size) };
  },
  respond: (rows, at) => ({ ret_code: 0, ret_msg: 'SUCCESS', time_now: '1732550400.123456', result: { count: at.total, items: rows } }),
  errorEnvelope: { body: { ret_code: 10006, ret_msg: 'Too many visits!', result: null, time_now: '1732550400.123456' }, code: '10006', message: 'Too many visits!' },
  expected(row) {
    return this.expectedWith(row, { '14': ['cn_bank_card', 'Bank Transfer'] });
  },
  /** The expectation when `names` maps payment ids to `[code, raw]`; other ids are unknown `bybit:<id>`. */
  expectedWith(row, names) {
    const r = row as BybitRow;
    return {
      listing: r.id,
      operator: `id:${r.userId}`,
      operatorName: r.nickName,
      side: r.side === 1 ? 'sell' : 'buy',
      asset: r.tokenId,
      fiat: r.currencyId,
      price: dec(r.price),
      available: dec(r.lastQuantity),
      minOrder: dec(r.minAmount),
      maxOrder: dec(r.maxAmount),
      terms: r.remark === '' ? null : r.remark,
      completionRate: percentAsFraction(r.recentExecuteRate),
      orderCount: null,
      monthOrderCount: r.recentOrderNum,
      methods: r.payments.map((id) => (names[id] ? names[id].join(' ') : `? bybit:${id}`)).sort(),
    };
  },
};
