/**
 * Where money moves: `cn_domestic` are mainland-China rails (what the
 * investigations look for), `bank` other bank rails and instant-transfer
 * schemes, `international` wallets and money services, `cash` in person or
 * deposited, `crypto` exchange-internal crypto payments, `other` the rest.
 */
export type PaymentMethodCategory = 'cn_domestic' | 'bank' | 'international' | 'cash' | 'crypto' | 'other';

/** One canonical payment method and every spelling seen for it. */
export interface PaymentMethodDefinition {
  /** Stable snake_case code stored with listings. */
  code: string;
  name: string;
  category: PaymentMethodCategory;
  /** Spellings matched exactly (after key folding) and, unless listed in `ambiguousInText`, found in free text. */
  aliases: readonly string[];
  /** Aliases that are everyday words or short abbreviations (`余额`, `工行`): trusted as a method name, never searched for in prose. */
  ambiguousInText?: readonly string[];
  /** The mainland rail this generic method is on a CNY listing (`bank_transfer` → `cn_bank_card`): a CNY ad's bank card is a Chinese one. */
  inCny?: string;
}

/**
 * Every payment method otcwatch knows. Traditional-script spellings are
 * listed as aliases rather than converted, so the list shows what was seen.
 *
 * Chinese banks by name all map to `cn_bank_card`; the listing keeps the raw
 * text, so an investigator still sees which bank. Generic bank words in
 * any script (`BANK`, `Bank Transfer`, `银行卡`, `網銀`) sit under
 * `bank_transfer` and become `cn_bank_card` only on CNY listings (see
 * `matchPaymentMethod`): an HKD ad's 银行卡 is a Hong Kong bank card.
 * Credit cards (`信用卡`, Visa, Mastercard) follow the same rule: `credit_card`,
 * and `cn_credit_card` on CNY listings.
 *
 * @example
 * ```ts
 * PAYMENT_METHOD_CATALOG.find((m) => m.code === 'alipay')?.aliases.includes('支付宝'); // true
 * ```
 */
export const PAYMENT_METHOD_CATALOG: readonly PaymentMethodDefinition[] = [
  // Mainland China: the formats README table, plus spellings seen since.
  { code: 'alipay', name: 'Alipay', category: 'cn_domestic', aliases: ['Alipay', 'ALIPAY', 'aliPay', '支付宝', '支付寶', 'zfb', '支付宝转账'] },
  {
    code: 'wechat_pay',
    name: 'WeChat Pay',
    category: 'cn_domestic',
    aliases: ['WeChat', 'WECHAT', 'wxPay', 'WeChat Pay', '微信', '微信支付', 'wx', 'Weixin', '微信转账', '微信轉賬'],
  },
  {
    code: 'unionpay',
    name: 'UnionPay QuickPass',
    category: 'cn_domestic',
    aliases: ['UnionPay', '银联', '銀聯', '云闪付', '雲閃付', 'QuickPass', 'UnionPay QuickPass', 'Yunshanfu', '银联云闪付'],
  },
  {
    code: 'cn_bank_card',
    name: 'Bank card (mainland China)',
    category: 'cn_domestic',
    aliases: [
      'Bank Transfer (China)', 'China Bank Transfer', 'Chinese Bank Card',
      'ICBC', 'Industrial and Commercial Bank of China', '工商银行', '中国工商银行', '工商銀行', '中國工商銀行',
      'CCB', 'China Construction Bank', '建设银行', '中国建设银行', '建設銀行', '中國建設銀行',
      'ABC', 'Agricultural Bank of China', '农业银行', '中国农业银行', '農業銀行', '中國農業銀行',
      'BOC', 'Bank of China', '中国银行', '中國銀行',
      'BoCom', 'Bank of Communications', '交通银行', '交通銀行',
      'CMB', 'China Merchants Bank', '招商银行', '招商銀行',
      'PSBC', 'Postal Savings Bank of China', '邮政储蓄银行', '中国邮政储蓄银行', '邮储银行', '邮储', '邮政银行', '郵政儲蓄銀行',
      'CITIC', 'China CITIC Bank', 'CITIC Bank', '中信银行', '中信銀行',
      'CMBC', 'China Minsheng Bank', 'Minsheng Bank', '民生银行', '民生銀行',
      'CIB', 'Industrial Bank', '兴业银行', '興業銀行',
      'SPDB', 'Shanghai Pudong Development Bank', '浦发银行', '浦發銀行',
      'CEB', 'China Everbright Bank', 'Everbright Bank', '光大银行', '光大銀行',
      'Ping An', 'Ping An Bank', '平安银行', '平安銀行',
      '工行', '建行', '农行', '中行', '交行', '招行',
    ],
    // Two-character bank nicknames hide inside ordinary words (施工行业, 成交行情).
    ambiguousInText: ['工行', '建行', '农行', '中行', '交行', '招行'],
  },
  {
    code: 'cn_credit_card',
    name: 'Credit card (mainland China)',
    category: 'cn_domestic',
    aliases: ['银联信用卡', '銀聯信用卡', 'UnionPay Credit Card', 'China Credit Card', 'Chinese Credit Card'],
  },
  {
    code: 'digital_rmb',
    name: 'e-CNY (digital RMB)',
    category: 'cn_domestic',
    aliases: ['e-CNY', '数字人民币', '數字人民幣', 'Digital RMB', 'Digital Yuan', 'DCEP'],
  },

  // Bank rails and instant-transfer schemes outside the mainland.
  {
    code: 'bank_transfer',
    name: 'Bank transfer',
    category: 'bank',
    aliases: [
      'Bank Transfer', 'BANK', 'Bank Card', 'Bank Account', 'Bank Deposit', 'Bank Wire', 'Wire Transfer', 'Local Bank Transfer',
      '银行卡', '银行转账', '银行卡转账', '网银', '网上银行', '储蓄卡', '借记卡', '银行',
      '銀行卡', '銀行轉賬', '銀行轉帳', '網銀', '銀行',
    ],
    inCny: 'cn_bank_card',
  },
  {
    // One of the three methods the source story names ("credit card, Alipay and WeChat Pay").
    code: 'credit_card',
    name: 'Credit card',
    category: 'bank',
    aliases: ['Credit Card', 'Credit Cards', '信用卡', '信用卡转账', '信用卡付款', '貸記卡', '贷记卡', 'Visa', 'Visa Card', 'Mastercard', 'Master Card', 'MasterCard Credit'],
    inCny: 'cn_credit_card',
  },
  { code: 'sepa', name: 'SEPA transfer', category: 'bank', aliases: ['SEPA', 'SEPA Instant', 'SEPA Transfer', 'SEPA Credit Transfer'] },
  { code: 'swift', name: 'SWIFT / international wire', category: 'bank', aliases: ['SWIFT', 'SWIFT Transfer', 'International Wire', 'International Wire Transfer', '电汇', '電匯', '国际电汇'] },
  { code: 'fps_hk', name: 'FPS (Hong Kong)', category: 'bank', aliases: ['FPS', 'HK FPS', 'Faster Payment System', '转数快', '轉數快'] },
  { code: 'faster_payments', name: 'Faster Payments (UK)', category: 'bank', aliases: ['Faster Payments', 'UK Faster Payments'] },
  { code: 'paynow', name: 'PayNow (Singapore)', category: 'bank', aliases: ['PayNow'] },
  { code: 'promptpay', name: 'PromptPay (Thailand)', category: 'bank', aliases: ['PromptPay'] },
  { code: 'upi', name: 'UPI (India)', category: 'bank', aliases: ['UPI'] },
  { code: 'pix', name: 'Pix (Brazil)', category: 'bank', aliases: ['PIX'] },
  { code: 'sbp', name: 'SBP (Russia)', category: 'bank', aliases: ['SBP', 'СБП', 'Система быстрых платежей'] },
  { code: 'tinkoff', name: 'T-Bank (Tinkoff)', category: 'bank', aliases: ['Tinkoff', 'T-Bank', 'Тинькофф', 'Т-Банк'] },
  { code: 'sberbank', name: 'Sberbank', category: 'bank', aliases: ['Sberbank', 'Sber', 'Сбербанк', 'Сбер'] },
  { code: 'kaspi', name: 'Kaspi (Kazakhstan)', category: 'bank', aliases: ['Kaspi', 'Kaspi Bank', 'Kaspi.kz'] },

  // Wallets and money services.
  { code: 'alipay_hk', name: 'AlipayHK', category: 'international', aliases: ['AlipayHK', 'Alipay HK', '支付宝香港', '支付寶香港', '支付宝HK', '支付寶HK'] },
  { code: 'wechat_pay_hk', name: 'WeChat Pay HK', category: 'international', aliases: ['WeChat Pay HK', 'WeChatHK', '微信支付香港', '微信香港'] },
  { code: 'payme_hk', name: 'PayMe (Hong Kong)', category: 'international', aliases: ['PayMe', 'PayMe HK', 'PayMe (HSBC)'] },
  { code: 'wise', name: 'Wise', category: 'international', aliases: ['Wise', 'TransferWise'] },
  { code: 'revolut', name: 'Revolut', category: 'international', aliases: ['Revolut'] },
  { code: 'paypal', name: 'PayPal', category: 'international', aliases: ['PayPal', '贝宝'] },
  { code: 'zelle', name: 'Zelle', category: 'international', aliases: ['Zelle'] },
  { code: 'venmo', name: 'Venmo', category: 'international', aliases: ['Venmo'] },
  { code: 'cash_app', name: 'Cash App', category: 'international', aliases: ['Cash App', 'CashApp'] },
  { code: 'payoneer', name: 'Payoneer', category: 'international', aliases: ['Payoneer', '派安盈'] },
  { code: 'skrill', name: 'Skrill', category: 'international', aliases: ['Skrill', 'Moneybookers'] },
  { code: 'neteller', name: 'Neteller', category: 'international', aliases: ['Neteller'] },
  { code: 'advcash', name: 'AdvCash (Volet)', category: 'international', aliases: ['AdvCash', 'Advanced Cash', 'Volet'] },
  { code: 'payeer', name: 'Payeer', category: 'international', aliases: ['Payeer'] },
  { code: 'perfect_money', name: 'Perfect Money', category: 'international', aliases: ['Perfect Money', 'PerfectMoney'] },
  { code: 'line_pay', name: 'LINE Pay', category: 'international', aliases: ['LINE Pay', 'LinePay'] },
  { code: 'jko_pay', name: 'JKO Pay (Taiwan)', category: 'international', aliases: ['JKO Pay', 'JKOPAY', '街口支付', '街口'], ambiguousInText: ['街口'] },
  { code: 'gcash', name: 'GCash', category: 'international', aliases: ['GCash'] },
  { code: 'momo', name: 'MoMo (Vietnam)', category: 'international', aliases: ['MoMo'] },
  { code: 'touch_n_go', name: "Touch 'n Go eWallet", category: 'international', aliases: ["Touch 'n Go", 'Touch n Go', 'TNG', 'TNG eWallet'] },
  { code: 'grabpay', name: 'GrabPay', category: 'international', aliases: ['GrabPay'] },

  { code: 'cash_in_person', name: 'Cash in person', category: 'cash', aliases: ['Cash', 'Cash in Person', 'Face to Face', '现金', '現金', '面交', '当面交易', '現金面交'] },
  { code: 'cash_deposit', name: 'Cash deposit to bank', category: 'cash', aliases: ['Cash Deposit', 'Cash Deposit to Bank', '现金存款', '現金存款'] },

  { code: 'binance_pay', name: 'Binance Pay', category: 'crypto', aliases: ['Binance Pay', '币安支付', '幣安支付'] },

  { code: 'gift_card', name: 'Gift card', category: 'other', aliases: ['Gift Card', '礼品卡', '禮品卡', 'Apple Gift Card', 'iTunes Gift Card', 'Amazon Gift Card', 'Steam Gift Card'] },
  {
    code: 'balance',
    name: 'Platform balance / internal transfer',
    category: 'other',
    aliases: ['Balance', 'Platform Balance', 'Internal Transfer', '余额', '平台余额', '内部转账', '內部轉賬'],
    // Terms say "balance" and 余额 about everything (余额不足); only a method list means the method.
    ambiguousInText: ['Balance', '余额'],
  },
];

/**
 * Codes of the mainland-China rails, the ones investigations track.
 *
 * @example
 * ```ts
 * DOMESTIC_PAYMENT_METHODS; // ["alipay", "wechat_pay", "unionpay", "cn_bank_card", "cn_credit_card", "digital_rmb"]
 * ```
 */
export const DOMESTIC_PAYMENT_METHODS: readonly string[] = PAYMENT_METHOD_CATALOG.filter((m) => m.category === 'cn_domestic').map((m) => m.code);

/**
 * Whether a canonical code is a mainland-China rail; unknown methods (null) are not.
 *
 * @example
 * ```ts
 * isDomestic('alipay'); // true
 * isDomestic('alipay_hk'); // false
 * isDomestic(null); // false
 * ```
 */
export function isDomestic(code: string | null): boolean {
  return code !== null && DOMESTIC_PAYMENT_METHODS.includes(code);
}
