import { createHash } from 'node:crypto';
import test from 'ava';
import type { ListingSide, NormalizedListing } from '../crawler/listing.ts';
import { parseJsonText } from '../crawler/normalize/json-text.ts';
import { listingKeyOf, operatorKeyOf } from '../crawler/normalize/identity.ts';
import { normalizeListing, type RawListing } from '../crawler/normalize/listing.ts';
import { RowParseError } from '../crawler/normalize/normalize-error.ts';

/** A Binance-shaped row, as the adapter extracts it (formats README). */
const binanceRow: RawListing = {
  listingId: '11581234567890123456',
  operatorId: 's8f1c0e2a9b7d4',
  operatorName: '金沙承兑',
  side: 'SELL',
  asset: 'USDT',
  fiat: 'CNY',
  price: '7.26',
  available: '1520.33',
  minOrder: '500.00',
  maxOrder: '11037.59',
  paymentMethods: ['Alipay', 'WeChat', 'Bank Transfer (China)'],
  terms: null,
  completionRate: 0.987,
  completionRateScale: 'fraction',
  orderCount: 9321,
  monthOrderCount: 812,
};

test('normalizeListing reads a Binance-shaped row', (t) => {
  t.deepEqual(normalizeListing(binanceRow, { platform: 'binance' }), {
    listingKey: '11581234567890123456',
    operatorKey: 'id:s8f1c0e2a9b7d4',
    operatorName: '金沙承兑',
    side: 'sell',
    asset: 'USDT',
    fiat: 'CNY',
    price: '7.26',
    priceNegotiable: false,
    available: '1520.33',
    minOrder: '500',
    maxOrder: '11037.59',
    paymentMethods: [
      { code: 'alipay', raw: 'Alipay', stance: 'accepted', source: 'structured' },
      { code: 'wechat_pay', raw: 'WeChat', stance: 'accepted', source: 'structured' },
      { code: 'cn_bank_card', raw: 'Bank Transfer (China)', stance: 'accepted', source: 'structured' },
    ],
    terms: null,
    completionRate: '0.987',
    orderCount: 9321,
    monthOrderCount: 812,
    fieldFailures: [],
  });
});

test('normalizeListing reads an OKX-shaped row (lower-case codes, aliPay/wxPay/bank)', (t) => {
  const listing = normalizeListing(
    {
      listingId: '230901234567',
      operatorId: 'a1b2c3d4e5',
      operatorName: '顺发USDT',
      side: 'sell',
      asset: 'usdt',
      fiat: 'cny',
      price: '7.24',
      available: '8800.12',
      minOrder: '1000',
      maxOrder: '63712.87',
      paymentMethods: ['aliPay', 'wxPay', 'bank'],
      completionRate: '0.9921',
      orderCount: 15234,
    },
    { platform: 'okx' },
  );
  t.is(listing.asset, 'USDT');
  t.is(listing.fiat, 'CNY');
  t.deepEqual(listing.paymentMethods.map((m) => m.code), ['alipay', 'wechat_pay', 'cn_bank_card']);
  t.is(listing.completionRate, '0.9921');
  t.is(listing.monthOrderCount, null);
});

test('normalizeListing reads an HTX-shaped row (numbers, percent rate, Han method names)', (t) => {
  const listing = normalizeListing(
    {
      listingId: 3345678,
      operatorId: 88812345,
      operatorName: '诚信商家A',
      side: 'sell',
      asset: 'USDT',
      fiat: 'CNY',
      price: '7.25',
      available: '6890.1234',
      minOrder: '500',
      maxOrder: '50000',
      paymentMethods: ['银行卡', '支付宝', '微信'],
      completionRate: '98',
      completionRateScale: 'percent',
      monthOrderCount: 431,
    },
    { platform: 'htx' },
  );
  t.is(listing.listingKey, '3345678');
  t.is(listing.operatorKey, 'id:88812345');
  t.is(listing.completionRate, '0.98');
  t.deepEqual(listing.paymentMethods, [
    { code: 'cn_bank_card', raw: '银行卡', stance: 'accepted', source: 'structured' },
    { code: 'alipay', raw: '支付宝', stance: 'accepted', source: 'structured' },
    { code: 'wechat_pay', raw: '微信', stance: 'accepted', source: 'structured' },
  ]);
});

test('normalizeListing reads a Bybit-shaped row, scanning remarks for methods', (t) => {
  const listing = normalizeListing(
    {
      listingId: '1813456789012345678',
      operatorId: '9876543',
      operatorName: '环球通',
      side: 'sell',
      asset: 'USDT',
      fiat: 'CNY',
      price: '7.23',
      available: '2500.5',
      minOrder: '500',
      maxOrder: '18000',
      paymentMethods: ['Alipay', 'Bybit method 17'],
      paymentMethodText: '只收支付宝，秒放，也可银行卡',
      terms: '只收支付宝，秒放，也可银行卡',
      completionRate: 97,
      completionRateScale: 'percent',
      monthOrderCount: 214,
    },
    { platform: 'bybit' },
  );
  t.deepEqual(listing.paymentMethods, [
    { code: 'alipay', raw: 'Alipay', stance: 'accepted', source: 'structured' },
    { code: null, raw: 'Bybit method 17', stance: 'accepted', source: 'structured' },
    { code: 'cn_bank_card', raw: '银行卡', stance: 'accepted', source: 'text' },
  ]);
  t.is(listing.completionRate, '0.97');
  t.is(listing.terms, '只收支付宝，秒放，也可银行卡');
});

test('normalizeListing reads an HTML board row: printed amounts, range text, blanks', (t) => {
  const listing = normalizeListing(
    {
      listingId: null,
      operatorProfileUrl: '/u/acc-778?tab=ads',
      operatorName: ' 永盛承兑 ',
      side: '出售',
      asset: '泰达币',
      fiat: '人民币',
      price: '￥７.２５',
      available: '2.5K USDT',
      limits: '限额 ¥500-¥50,000',
      paymentMethods: ['支付宝', '雲閃付', '支付宝', 'QQ钱包', 'QQ钱包'],
      paymentMethodText: 'WeChat only',
      terms: '  ',
      completionRate: '99.5%',
      orderCount: '1,204',
      monthOrderCount: '',
    },
    { platform: 'desk', url: 'https://desk.example/market?page=2' },
  );
  t.like(listing, {
    operatorKey: 'url:/u/acc-778',
    operatorName: '永盛承兑',
    side: 'sell',
    asset: 'USDT',
    fiat: 'CNY',
    price: '7.25',
    available: '2500',
    minOrder: '500',
    maxOrder: '50000',
    terms: null,
    completionRate: '0.995',
    orderCount: 1204,
    monthOrderCount: null,
  });
  t.deepEqual(listing.paymentMethods, [
    { code: 'alipay', raw: '支付宝', stance: 'accepted', source: 'structured' },
    { code: 'unionpay', raw: '雲閃付', stance: 'accepted', source: 'structured' },
    { code: null, raw: 'QQ钱包', stance: 'accepted', source: 'structured' },
    { code: 'wechat_pay', raw: 'WeChat', stance: 'accepted', source: 'text' },
  ]);
  t.regex(listing.listingKey, /^h:[0-9a-f]{24}$/);
});

test('optional fields absent, null or blank come out null', (t) => {
  const listing = normalizeListing(
    { operatorName: 'A', side: 'buy', asset: 'BTC', fiat: 'USD', price: '65,000', available: null, limits: '', terms: '', completionRate: null },
    { platform: 'desk' },
  );
  t.like(listing, { available: null, minOrder: null, maxOrder: null, terms: null, completionRate: null, orderCount: null, monthOrderCount: null });
  t.deepEqual(listing.paymentMethods, []);
});

test('min/max fields win over the range text, and bank reads by fiat', (t) => {
  const listing = normalizeListing({ ...binanceRow, fiat: 'USD', limits: '1 - 2', paymentMethods: ['BANK'] }, { platform: 'binance' });
  t.like(listing, { minOrder: '500', maxOrder: '11037.59' });
  t.deepEqual(listing.paymentMethods, [{ code: 'bank_transfer', raw: 'BANK', stance: 'accepted', source: 'structured' }]);
});

test('sides in every spelling are the advertiser side', (t) => {
  const cases: Array<[string, ListingSide]> = [
    ['sell', 'sell'], ['SELL', 'sell'], ['Sell', 'sell'], ['ask', 'sell'], ['出售', 'sell'], ['卖', 'sell'], ['卖出', 'sell'],
    ['buy', 'buy'], ['BUY', 'buy'], ['bid', 'buy'], ['购买', 'buy'], ['买', 'buy'], ['收购', 'buy'],
  ];
  for (const [side, expected] of cases) t.is(normalizeListing({ ...binanceRow, side }, { platform: 'binance' }).side, expected, side);
});

test('completion rates come out as fractions', (t) => {
  const cases: Array<[unknown, 'fraction' | 'percent' | undefined, string]> = [
    [0.987, 'fraction', '0.987'],
    ['0.9921', undefined, '0.9921'],
    [1, 'fraction', '1'],
    ['98', 'percent', '0.98'],
    [97, 'percent', '0.97'],
    ['100', 'percent', '1'],
    ['99.5%', undefined, '0.995'],
    ['0%', 'fraction', '0'],
  ];
  for (const [completionRate, completionRateScale, expected] of cases) {
    const listing = normalizeListing({ ...binanceRow, completionRate, completionRateScale }, { platform: 'binance' });
    t.is(listing.completionRate, expected, `${String(completionRate)} (${completionRateScale ?? 'default'})`);
  }
});

/** Each field without which there is no listing: the row is lost, a parse failure naming the field. */
const lostRows: Array<[Partial<RawListing>, string, string]> = [
  [{ operatorName: undefined }, 'operatorName', 'operatorName: undefined is not text'],
  [{ operatorName: '  ' }, 'operatorName', 'operatorName: "  " is empty'],
  [{ operatorId: 1.5 }, 'operatorId', 'operatorId: 1.5 is not an exact id'],
  [{ operatorId: null, operatorProfileUrl: 'http://[bad' }, 'operatorProfileUrl', 'operatorProfileUrl: "http://[bad" is not a profile link'],
  [{ side: 'hold' }, 'side', 'side: "hold" is not a side'],
  [{ side: 1 }, 'side', 'side: 1 is not text'],
  [{ asset: 'N/A' }, 'asset', 'asset: "N/A" is not an asset ticker'],
  [{ fiat: 'XYZ' }, 'fiat', 'fiat: "XYZ" is not a known fiat currency'],
  [{ price: undefined }, 'price', 'price: undefined is not a decimal number'],
  [{ price: '' }, 'price', 'price: "" is empty'],
  [{ listingId: 2 ** 60 }, 'listingId', 'listingId: 1152921504606847000 is not an exact id'],
];

for (const [patch, fieldPath, message] of lostRows) {
  test(`normalizeListing loses the row at ${fieldPath} for ${JSON.stringify(patch)}`, (t) => {
    const error = t.throws(() => normalizeListing({ ...binanceRow, ...patch }, { platform: 'binance' }), { instanceOf: RowParseError });
    t.is(error?.fieldPath, fieldPath);
    t.true(error?.message.startsWith(message), `${error?.message}\nshould start with\n${message}`);
  });
}

/** Each field that may not read while the listing still stands: it comes out null (or left out), with a field failure naming it. */
const keptRows: Array<[Partial<RawListing>, string, string, Partial<NormalizedListing>]> = [
  [{ price: 'N/A' }, 'price', 'price: "N/A" is not a decimal number', { price: null, priceNegotiable: false }],
  [{ price: '0.00' }, 'price', 'price: "0.00" is zero', { price: null }],
  [{ price: '7.25 / 7.30' }, 'price', 'price: "7.25 / 7.30" holds more than one number', { price: null }],
  [{ price: '面议' }, 'price', 'price: "面议" is a negotiable price', { price: null, priceNegotiable: true }],
  [{ price: '私聊' }, 'price', 'price: "私聊" is a negotiable price', { price: null, priceNegotiable: true }],
  [{ price: 'Negotiable' }, 'price', 'price: "Negotiable" is a negotiable price', { price: null, priceNegotiable: true }],
  [{ price: '价格面议' }, 'price', 'price: "价格面议" is a negotiable price', { price: null, priceNegotiable: true }],
  [{ available: 'lots' }, 'available', 'available: "lots" is not a decimal number', { available: null, price: '7.26' }],
  [{ minOrder: '-5' }, 'minOrder', 'minOrder: "-5" is negative', { minOrder: null, maxOrder: '11037.59' }],
  [{ maxOrder: '1.2.3' }, 'maxOrder', 'maxOrder: "1.2.3" has malformed digit grouping', { minOrder: '500', maxOrder: null }],
  [{ minOrder: '50000', maxOrder: '500' }, 'minOrder', 'minOrder: "50000" is above maxOrder "500"', { minOrder: null, maxOrder: null }],
  [{ minOrder: null, maxOrder: null, limits: '50,000 - 500' }, 'limits', 'limits: "50,000 - 500" has its minimum 50000 above its maximum 500', { minOrder: null, maxOrder: null }],
  [{ minOrder: null, maxOrder: null, limits: '面议' }, 'limits', 'limits: "面议" is not a range', { minOrder: null, maxOrder: null }],
  [{ paymentMethods: 'ALIPAY' as unknown as unknown[] }, 'paymentMethods', 'paymentMethods: "ALIPAY" is not a list', { paymentMethods: [] }],
  [{ paymentMethods: ['Alipay', 42] }, 'paymentMethods[1]', 'paymentMethods[1]: 42 is not text', { paymentMethods: [{ code: 'alipay', raw: 'Alipay', stance: 'accepted', source: 'structured' }] }],
  [{ paymentMethods: ['Alipay', ''] }, 'paymentMethods[1]', 'paymentMethods[1]: "" is empty', { paymentMethods: [{ code: 'alipay', raw: 'Alipay', stance: 'accepted', source: 'structured' }] }],
  [{ paymentMethods: [], paymentMethodText: 42 as unknown as string }, 'paymentMethodText', 'paymentMethodText: 42 is not text', { paymentMethods: [] }],
  [{ terms: { text: 'x' } }, 'terms', 'terms: {"text":"x"} is not text', { terms: null }],
  [{ completionRate: '98', completionRateScale: 'fraction' }, 'completionRate', 'completionRate: "98" is above 100%; if the site prints a percentage, set completionRateScale: "percent"', { completionRate: null }],
  [{ completionRate: '101%' }, 'completionRate', 'completionRate: "101%" is above 100%', { completionRate: null }],
  [{ completionRate: 'high' }, 'completionRate', 'completionRate: "high" is not a decimal number', { completionRate: null }],
  [{ orderCount: '6890.1234' }, 'orderCount', 'orderCount: "6890.1234" is not a whole number', { orderCount: null }],
  [{ orderCount: -1 }, 'orderCount', 'orderCount: "-1" is negative', { orderCount: null }],
  [{ orderCount: '1e30' }, 'orderCount', 'orderCount: "1e30" uses exponent notation', { orderCount: null }],
  [{ monthOrderCount: 'many' }, 'monthOrderCount', 'monthOrderCount: "many" is not a decimal number', { monthOrderCount: null }],
];

for (const [patch, fieldPath, message, expected] of keptRows) {
  test(`normalizeListing keeps the row, ${fieldPath} noted, for ${JSON.stringify(patch)}`, (t) => {
    const listing = normalizeListing({ ...binanceRow, ...patch }, { platform: 'binance', url: 'https://p2p.example/search' });
    t.like(listing, { listingKey: '11581234567890123456', operatorKey: 'id:s8f1c0e2a9b7d4', operatorName: '金沙承兑', ...expected });
    t.is(listing.fieldFailures?.length, 1, JSON.stringify(listing.fieldFailures));
    const [failure] = listing.fieldFailures!;
    t.is(failure?.fieldPath, fieldPath);
    t.is(failure?.url, 'https://p2p.example/search');
    t.true(failure?.error.startsWith(message), `${failure?.error}\nshould start with\n${message}`);
  });
}

test('field failures carry the adapter’s own field paths', (t) => {
  const fieldPaths = { price: 'adv.price', paymentMethods: 'adv.tradeMethods', completionRate: 'advertiser.monthFinishRate' };
  const cases: Array<[Partial<RawListing>, string]> = [
    [{ price: 'N/A' }, 'adv.price: "N/A" is not a decimal number'],
    [{ paymentMethods: ['Alipay', null] }, 'adv.tradeMethods[1]: null is not text'],
    [{ completionRate: 'x' }, 'advertiser.monthFinishRate: "x" is not a decimal number'],
  ];
  for (const [patch, message] of cases) {
    const [failure] = normalizeListing({ ...binanceRow, ...patch }, { platform: 'binance', fieldPaths }).fieldFailures ?? [];
    t.true(failure?.error.startsWith(message), `${failure?.error} should start with ${message}`);
    t.is(failure?.fieldPath, message.slice(0, message.indexOf(':')));
  }
  const error = t.throws(() => normalizeListing({ ...binanceRow, side: '?' }, { platform: 'binance', fieldPaths }), { instanceOf: RowParseError });
  t.true(error?.message.startsWith('side: "?" is not a side'));
});

test('control characters are removed from every text, noted, and the seller keeps its key', (t) => {
  const listing = normalizeListing({ ...binanceRow, operatorName: '金沙\u0000承兑\u0007', terms: 'fast\u0000 release\nline two' }, { platform: 'binance' });
  t.is(listing.operatorName, '金沙承兑');
  t.is(listing.terms, 'fast release\nline two');
  t.is(listing.operatorKey, 'id:s8f1c0e2a9b7d4');
  t.deepEqual(
    listing.fieldFailures?.map((f) => [f.fieldPath, f.error]),
    [
      ['operatorName', 'operatorName: removed 2 control characters (U+0000, U+0007) from "金沙\\u0000承兑\\u0007"'],
      ['terms', 'terms: removed 1 control character (U+0000) from "fast\\u0000 release\\nline two"'],
    ],
  );
});

test('undecodable text is kept and noted with the raw bytes the page recorded', (t) => {
  const undecodable = [{ offset: 4120, hex: 'e9 87', context: '"nickName":"王\uFFFD财","price"' }];
  const listing = normalizeListing({ ...binanceRow, operatorName: '王\uFFFD财' }, { platform: 'binance', undecodable });
  t.is(listing.operatorName, '王\uFFFD财');
  t.deepEqual(listing.fieldFailures?.map((f) => f.error), ['operatorName: invalid byte sequence in "王\uFFFD财" (kept as U+FFFD); raw bytes at byte 4120: e9 87']);
  const unknown = normalizeListing({ ...binanceRow, terms: 'x\uFFFDy' }, { platform: 'binance', undecodable });
  t.deepEqual(unknown.fieldFailures?.map((f) => f.error), ['terms: invalid byte sequence in "x\uFFFDy" (kept as U+FFFD); raw bytes not recorded by the fetcher']);
});

test('refusals in the text are kept as refusals, contacts are not methods, the method field wins', (t) => {
  const listing = normalizeListing(
    { ...binanceRow, paymentMethods: ['BANK'], paymentMethodText: '银行卡优先，不收支付宝，加微信 zhang_otc' },
    { platform: 'binance' },
  );
  t.deepEqual(listing.paymentMethods, [
    { code: 'cn_bank_card', raw: 'BANK', stance: 'accepted', source: 'structured' },
    { code: 'alipay', raw: '支付宝', stance: 'refused', source: 'text' },
  ]);
});

test('icon lists are marked as icons', (t) => {
  const listing = normalizeListing({ ...binanceRow, paymentMethods: ['支付宝'], paymentMethodSource: 'icon' }, { platform: 'binance' });
  t.deepEqual(listing.paymentMethods, [{ code: 'alipay', raw: '支付宝', stance: 'accepted', source: 'icon' }]);
});

test('a 20-digit price parsed losslessly keeps every digit', (t) => {
  const price = parseJsonText('{"price":12345678901234567890.12345}') as { price: unknown };
  t.is(normalizeListing({ ...binanceRow, price: price.price }, { platform: 'binance' }).price, '12345678901234567890.12345');
});

test('operatorKeyOf prefers the id, then the profile path, then the name', (t) => {
  t.is(operatorKeyOf({ operatorId: 's8f1', operatorProfileUrl: '/u/1', operatorName: 'A' }), 'id:s8f1');
  t.is(operatorKeyOf({ operatorId: 88812345, operatorName: 'A' }), 'id:88812345');
  t.is(operatorKeyOf({ operatorId: ' ', operatorProfileUrl: 'https://desk.example/u/88/?ref=x#ads', operatorName: 'A' }), 'url:/u/88');
  t.is(operatorKeyOf({ operatorProfileUrl: 'u/88', operatorName: 'A' }, 'https://desk.example/board/list'), 'url:/board/u/88');
  t.is(operatorKeyOf({ operatorProfileUrl: 'https://desk.example/', operatorName: 'A' }), 'name:A');
  t.is(operatorKeyOf({ operatorName: ' 顺发ＵＳＤＴ ' }), 'name:顺发USDT');
});

test('an operator renamed under the same id keeps its operator and listing keys', (t) => {
  const before = normalizeListing({ ...binanceRow, listingId: null, terms: '只收支付宝' }, { platform: 'binance' });
  const after = normalizeListing({ ...binanceRow, listingId: null, terms: '只收支付宝', operatorName: '金沙承兑2号', price: '7.30' }, { platform: 'binance' });
  t.is(after.operatorKey, before.operatorKey);
  t.is(after.listingKey, before.listingKey);
  t.not(after.operatorName, before.operatorName);
});

test('listingKeyOf uses the platform id, else the documented hash recipe', (t) => {
  const base = { platform: 'desk', operatorKey: 'name:诚信商家A', side: 'sell' as const, asset: 'USDT', fiat: 'CNY', terms: '只收支付宝' };
  t.is(listingKeyOf({ ...base, listingId: '11581234567890123456' }), '11581234567890123456');
  t.is(listingKeyOf({ ...base, listingId: 3345678 }), '3345678');
  const expected = `h:${createHash('sha256').update('desk|name:诚信商家A|sell|USDT|CNY|只收支付宝').digest('hex').slice(0, 24)}`;
  t.is(listingKeyOf({ ...base, listingId: null }), expected);
  t.is(listingKeyOf({ ...base, listingId: '', terms: '  只收支付宝 ' }), expected, 'blank id and padded terms do not change the key');
  t.is(listingKeyOf({ ...base, terms: null }), `h:${createHash('sha256').update('desk|name:诚信商家A|sell|USDT|CNY|').digest('hex').slice(0, 24)}`);
  t.not(listingKeyOf({ ...base, terms: '只收微信' }), expected);
  t.not(listingKeyOf({ ...base, side: 'buy' }), expected);
  t.not(listingKeyOf({ ...base, platform: 'other-desk' }), expected);
});

test('normalizing the same row twice gives the same keys', (t) => {
  const row: RawListing = { operatorProfileUrl: '/u/9', operatorName: 'B', side: '购买', asset: 'USDT', fiat: 'CNY', price: '7.1', terms: '大额优先' };
  const first = normalizeListing(row, { platform: 'desk', url: 'https://desk.example/' });
  const second = normalizeListing({ ...row }, { platform: 'desk', url: 'https://desk.example/' });
  t.is(first.listingKey, second.listingKey);
  t.is(first.operatorKey, 'url:/u/9');
});
