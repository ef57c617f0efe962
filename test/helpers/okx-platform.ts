import { loadBooks, type PlatformKit } from './platform-server.ts';
import { dec, type StoredListing } from './stored-listings.ts';

interface OkxRow {
  id: string;
  side: string;
  price: string;
  availableAmount: string;
  baseCurrency: string;
  quoteCurrency: string;
  quoteMinAmountPerOrder: string;
  quoteMaxAmountPerOrder: string;
  paymentMethods: string[];
  nickName: string;
  publicUserId: string;
  completedOrderQuantity: number;
  completedRate: string;
}

const METHOD_CODES: Record<string, string> = { aliPay: 'alipay', wxPay: 'wechat_pay', bank: 'cn_bank_card' };
const FLAGS = ['showTrade', 'showFollow', 'showAlreadyTraded', 'isAbleFilter', 'receivingAds'];

/**
 * OKX P2P as the formats README shows it: `GET /v3/c2c/tradingOrders/books`
 * with lower-case currencies and the advertisers' `side`; one unpaged book
 * per query, served under `data.<side>`.
 */
export const okxKit: PlatformKit = {
  adapter: 'okx',
  platform: 'okx',
  method: 'GET',
  path: '/v3/c2c/tradingOrders/books',
  books: loadBooks('okx'),
  pageSize: Infinity,
  pricePath: 'price',
  readRequest(url) {
    const q = Object.fromEntries(url.searchParams);
    const { quoteCurrency, baseCurrency, side, paymentMethod, userType } = q;
    if (!quoteCurrency || !baseCurrency || quoteCurrency !== quoteCurrency.toLowerCase() || baseCurrency !== baseCurrency.toLowerCase()) return 'currencies must be lower-case codes';
    if (side !== 'sell' && side !== 'buy') return `side must be sell or buy, got ${side}`;
    if (!paymentMethod || userType !== 'all') return 'paymentMethod and userType=all are required';
    if (!FLAGS.every((flag) => q[flag] === 'false')) return `${FLAGS.join(', ')} must be false`;
    return { query: { baseCurrency, quoteCurrency, side }, page: 1, pageSize: Infinity };
  },
  respond: (rows, at) => ({
    code: 0,
    msg: '',
    error_code: '0',
    detailMsg: '',
    data: { buy: at.query.side === 'buy' ? rows : [], sell: at.query.side === 'sell' ? rows : [] },
  }),
  errorEnvelope: { body: { code: 50011, msg: 'Rate limit reached. Please try again later.', error_code: '50011', detailMsg: '', data: {} }, code: '50011', message: 'Rate limit reached' },
  expected(row): StoredListing {
    const r = row as OkxRow;
    return {
      listing: r.id,
      operator: `id:${r.publicUserId}`,
      operatorName: r.nickName,
      side: r.side,
      asset: r.baseCurrency.toUpperCase(),
      fiat: r.quoteCurrency.toUpperCase(),
      price: dec(r.price),
      available: dec(r.availableAmount),
      minOrder: dec(r.quoteMinAmountPerOrder),
      maxOrder: dec(r.quoteMaxAmountPerOrder),
      terms: null,
      completionRate: dec(r.completedRate),
      orderCount: r.completedOrderQuantity,
      monthOrderCount: null,
      methods: r.paymentMethods.map((m) => `${METHOD_CODES[m] ?? '?'} ${m}`).sort(),
    };
  },
};
