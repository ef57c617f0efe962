import test from 'ava';
import { NormalizeError } from '../crawler/normalize/normalize-error.ts';
import {
  DOMESTIC_PAYMENT_METHODS,
  PAYMENT_METHOD_CATALOG,
  findMethodMentions,
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

test('credit cards are mainland ones only on CNY listings, like bank cards', (t) => {
  const cases: Array<[string, string | undefined, string]> = [
    ['信用卡', 'CNY', 'cn_credit_card'],
    ['Credit Card', 'CNY', 'cn_credit_card'],
    ['Visa', 'CNY', 'cn_credit_card'],
    ['Mastercard', 'CNY', 'cn_credit_card'],
    ['贷记卡', 'CNY', 'cn_credit_card'],
    ['银联信用卡', 'USD', 'cn_credit_card'],
    ['Credit Card', 'USD', 'credit_card'],
    ['Visa', 'HKD', 'credit_card'],
    ['信用卡', undefined, 'credit_card'],
  ];
  for (const [raw, fiat, code] of cases) t.is(matchPaymentMethod(raw, { fiat }).code, code, `${raw} in ${fiat}`);
  t.true(isDomestic('cn_credit_card'));
  t.false(isDomestic('credit_card'));
});

test('mentions carry their place in the folded text', (t) => {
  t.deepEqual(findMethodMentions('只收支付宝，ｗｘ也行', { fiat: 'CNY' }), [
    { ref: { code: 'alipay', raw: '支付宝' }, start: 2, end: 5 },
    { ref: { code: 'wechat_pay', raw: 'wx' }, start: 6, end: 8 },
  ]);
});

test('AlipayHK is never read as Alipay', (t) => {
  for (const raw of ['AlipayHK', 'Alipay HK', 'alipay_hk', '支付寶香港', '支付寶HK']) {
    t.is(matchPaymentMethod(raw, { fiat: 'HKD' }).code, 'alipay_hk', raw);
  }
  t.deepEqual(findMethodMentions('AlipayHK only').map((m) => m.ref), [{ code: 'alipay_hk', raw: 'AlipayHK' }]);
  t.deepEqual(findMethodMentions('支付宝香港').map((m) => m.ref), [{ code: 'alipay_hk', raw: '支付宝香港' }]);
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

test('the catalog has unique codes and the domestic list is its cn_domestic part', (t) => {
  const codes = PAYMENT_METHOD_CATALOG.map((m) => m.code);
  t.is(new Set(codes).size, codes.length);
  t.deepEqual([...DOMESTIC_PAYMENT_METHODS], ['alipay', 'wechat_pay', 'unionpay', 'cn_bank_card', 'cn_credit_card', 'digital_rmb']);
  for (const method of PAYMENT_METHOD_CATALOG) {
    for (const alias of method.ambiguousInText ?? []) t.true(method.aliases.includes(alias), `${method.code}: ${alias} is listed in aliases`);
  }
});

test('isDomestic knows mainland rails only', (t) => {
  for (const code of DOMESTIC_PAYMENT_METHODS) t.true(isDomestic(code), code);
  for (const code of ['bank_transfer', 'alipay_hk', 'wechat_pay_hk', 'paypal', 'unknown']) t.false(isDomestic(code), code);
  t.false(isDomestic(null));
});
