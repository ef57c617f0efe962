import test from 'ava';
import { NormalizeError } from '../crawler/normalize/normalize-error.ts';
import {
  DOMESTIC_PAYMENT_METHODS,
  PAYMENT_METHOD_CATALOG,
  findPaymentMethodsInText,
  isDomestic,
  matchPaymentMethod,
} from '../crawler/normalize/payment-methods.ts';

/** The formats README's domestic table, every alias, read on a CNY listing. */
const readmeTable: Record<string, string[]> = {
  alipay: ['Alipay', 'ALIPAY', 'aliPay', '支付宝', '支付寶', 'zfb'],
  wechat_pay: ['WeChat', 'WECHAT', 'wxPay', 'WeChat Pay', '微信', '微信支付', 'wx'],
  unionpay: ['UnionPay', '银联', '銀聯', '云闪付', '雲閃付', 'QuickPass', 'UnionPay QuickPass'],
  cn_bank_card: [
    'Bank Transfer (China)', 'BANK', 'bank', '银行卡', '银行转账', '网银',
    'ICBC', '工商银行', '中国工商银行', 'Industrial and Commercial Bank of China',
    'CCB', '建设银行', 'China Construction Bank',
    'ABC', '农业银行', 'Agricultural Bank of China',
    'BOC', '中国银行', 'Bank of China',
    'BoCom', '交通银行', 'Bank of Communications',
    'CMB', '招商银行', 'China Merchants Bank',
    'PSBC', '邮政储蓄银行', '邮储', 'Postal Savings Bank of China',
    'CITIC', '中信银行', 'China CITIC Bank',
    'CMBC', '民生银行', 'China Minsheng Bank',
    'CIB', '兴业银行', 'Industrial Bank',
    'SPDB', '浦发银行', 'Shanghai Pudong Development Bank',
    'CEB', '光大银行', 'China Everbright Bank',
    'Ping An', '平安银行', 'Ping An Bank',
  ],
  digital_rmb: ['e-CNY', '数字人民币'],
};

for (const [code, aliases] of Object.entries(readmeTable)) {
  test(`matchPaymentMethod maps the README aliases of ${code}`, (t) => {
    for (const alias of aliases) t.deepEqual(matchPaymentMethod(alias, { fiat: 'CNY' }), { code, raw: alias }, alias);
  });
}

const international: Array<[string, string]> = [
  ['SEPA', 'sepa'],
  ['SWIFT', 'swift'],
  ['Wise', 'wise'],
  ['TransferWise', 'wise'],
  ['Revolut', 'revolut'],
  ['PayPal', 'paypal'],
  ['Zelle', 'zelle'],
  ['Payoneer', 'payoneer'],
  ['Skrill', 'skrill'],
  ['AdvCash', 'advcash'],
  ['Payeer', 'payeer'],
  ['Perfect Money', 'perfect_money'],
  ['FPS', 'fps_hk'],
  ['转数快', 'fps_hk'],
  ['PayMe', 'payme_hk'],
  ['AlipayHK', 'alipay_hk'],
  ['Alipay HK', 'alipay_hk'],
  ['支付宝香港', 'alipay_hk'],
  ['WeChat Pay HK', 'wechat_pay_hk'],
  ['LINE Pay', 'line_pay'],
  ['JKO Pay', 'jko_pay'],
  ['PayNow', 'paynow'],
  ['GCash', 'gcash'],
  ['Kaspi', 'kaspi'],
  ['SBP', 'sbp'],
  ['Tinkoff', 'tinkoff'],
  ['Cash in Person', 'cash_in_person'],
  ['现金', 'cash_in_person'],
  ['Gift Card', 'gift_card'],
  ['Internal Transfer', 'balance'],
  ['Balance', 'balance'],
  ['Binance Pay', 'binance_pay'],
];

test('matchPaymentMethod maps international methods', (t) => {
  for (const [raw, code] of international) t.deepEqual(matchPaymentMethod(raw, { fiat: 'USD' }), { code, raw }, raw);
});

test('matchPaymentMethod folds case, width and separators but keeps the raw text', (t) => {
  const cases: Array<[string, string]> = [
    ['ALI-PAY', 'alipay'],
    ['ＷｅＣｈａｔ', 'wechat_pay'],
    ['wechat_pay', 'wechat_pay'],
    ['Union Pay', 'unionpay'],
    ['e CNY', 'digital_rmb'],
    ['BANK TRANSFER [CHINA]', 'cn_bank_card'],
    ['cn_bank_card', 'cn_bank_card'],
  ];
  for (const [raw, code] of cases) t.deepEqual(matchPaymentMethod(raw), { code, raw }, raw);
  t.deepEqual(matchPaymentMethod('  Alipay '), { code: 'alipay', raw: 'Alipay' });
});

test('a generic bank word is a mainland bank card only on CNY listings', (t) => {
  const cases: Array<[string, string | undefined, string]> = [
    ['BANK', 'CNY', 'cn_bank_card'],
    ['bank', 'CNY', 'cn_bank_card'],
    ['Bank Transfer', 'CNY', 'cn_bank_card'],
    ['銀行轉賬', 'CNY', 'cn_bank_card'],
    ['BANK', 'USD', 'bank_transfer'],
    ['Bank Transfer', 'EUR', 'bank_transfer'],
    ['銀行轉賬', 'HKD', 'bank_transfer'],
    ['银行卡', 'CNY', 'cn_bank_card'],
    ['银行卡', 'HKD', 'bank_transfer'],
    ['网银', 'USD', 'bank_transfer'],
    ['bank', 'CNH', 'bank_transfer'],
    ['bank', undefined, 'bank_transfer'],
    ['Bank Transfer (China)', 'USD', 'cn_bank_card'],
    ['工商银行', 'USD', 'cn_bank_card'],
  ];
  for (const [raw, fiat, code] of cases) t.is(matchPaymentMethod(raw, { fiat }).code, code, `${raw} in ${fiat}`);
});

test('AlipayHK is never read as Alipay', (t) => {
  for (const raw of ['AlipayHK', 'Alipay HK', 'alipay_hk', '支付寶香港', '支付寶HK']) {
    t.is(matchPaymentMethod(raw, { fiat: 'HKD' }).code, 'alipay_hk', raw);
  }
  t.deepEqual(findPaymentMethodsInText('AlipayHK only'), [{ code: 'alipay_hk', raw: 'AlipayHK' }]);
  t.deepEqual(findPaymentMethodsInText('支付宝香港'), [{ code: 'alipay_hk', raw: '支付宝香港' }]);
  t.false(isDomestic('alipay_hk'));
});

test('unknown methods are kept with their raw text', (t) => {
  t.deepEqual(matchPaymentMethod('QQ钱包'), { code: null, raw: 'QQ钱包' });
  t.deepEqual(matchPaymentMethod(' Foo Pay '), { code: null, raw: 'Foo Pay' });
  t.deepEqual(matchPaymentMethod('17', { fiat: 'CNY' }), { code: null, raw: '17' });
});

test('an empty method name is an error naming it', (t) => {
  t.throws(() => matchPaymentMethod('  '), { instanceOf: NormalizeError, message: '"  " is empty, expected a payment method name' });
});

const texts: Array<[string, string | undefined, Array<[string, string]>]> = [
  ['只收支付宝，秒放', 'CNY', [['alipay', '支付宝']]],
  ['WeChat only', 'CNY', [['wechat_pay', 'WeChat']]],
  ['支持银行卡/云闪付', 'CNY', [['cn_bank_card', '银行卡'], ['unionpay', '云闪付']]],
  ['微信支付、微信、wx 都可以', 'CNY', [['wechat_pay', '微信支付']]],
  ['zfb/wx', 'CNY', [['alipay', 'zfb'], ['wechat_pay', 'wx']]],
  ['加wx好友', 'CNY', []],
  ['Bank transfer only', 'CNY', [['cn_bank_card', 'Bank transfer']]],
  ['Bank transfer only', 'USD', [['bank_transfer', 'Bank transfer']]],
  ['请用工商银行或招商银行转账', 'CNY', [['cn_bank_card', '工商银行']]],
  ['Payments: Wise, Revolut or SEPA', 'EUR', [['wise', 'Wise'], ['revolut', 'Revolut'], ['sepa', 'SEPA']]],
  ['Bank Transfer (China), e-CNY', undefined, [['cn_bank_card', 'Bank Transfer (China)'], ['digital_rmb', 'e-CNY']]],
  ['ＡＬＩＰＡＹ', undefined, [['alipay', 'ALIPAY']]],
  ['no alipay, WeChat Pay HK only', 'HKD', [['alipay', 'alipay'], ['wechat_pay_hk', 'WeChat Pay HK']]],
  ['otherwise wisely cashback', 'USD', []],
  ['施工行业 余额不足 成交行情', 'CNY', []],
  ['', 'CNY', []],
];

for (const [text, fiat, expected] of texts) {
  test(`findPaymentMethodsInText finds ${JSON.stringify(text)} in ${fiat ?? 'no fiat'}`, (t) => {
    t.deepEqual(
      findPaymentMethodsInText(text, { fiat }),
      expected.map(([code, raw]) => ({ code, raw })),
    );
  });
}

test('the catalog has unique codes and the domestic list is its cn_domestic part', (t) => {
  const codes = PAYMENT_METHOD_CATALOG.map((m) => m.code);
  t.is(new Set(codes).size, codes.length);
  t.deepEqual([...DOMESTIC_PAYMENT_METHODS], ['alipay', 'wechat_pay', 'unionpay', 'cn_bank_card', 'digital_rmb']);
  for (const method of PAYMENT_METHOD_CATALOG) {
    for (const alias of method.ambiguousInText ?? []) t.true(method.aliases.includes(alias), `${method.code}: ${alias} is listed in aliases`);
  }
});

test('isDomestic knows mainland rails only', (t) => {
  for (const code of DOMESTIC_PAYMENT_METHODS) t.true(isDomestic(code), code);
  for (const code of ['bank_transfer', 'alipay_hk', 'wechat_pay_hk', 'paypal', 'unknown']) t.false(isDomestic(code), code);
  t.false(isDomestic(null));
});
