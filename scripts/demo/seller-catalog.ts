import type { Rng } from './prng.ts';

/**
 * What a demo seller can look like: names, terms with and without contact
 * handles, payment rails per fiat, and price bands per market. Kept apart
 * from the evolution rules so the rules read as rules.
 *
 * @example
 * const rng = new Rng(1);
 * sellerName(rng, 'han');   // e.g. "金沙承兑" or "诚信商家A"
 * sellerTerms(rng, 'han');  // e.g. "只收支付宝，秒放 加微信 jinsha888"
 */

/** Payment methods in the API's spelling, in the order an ad lists them. */
export const PAY_METHODS = ['ALIPAY', 'WECHAT', 'BANK', 'UNIONPAY', 'WISE', 'PAYPAL', 'FPS'] as const;
export type DemoPayMethod = (typeof PAY_METHODS)[number];

export type DemoFiat = 'CNY' | 'USD' | 'HKD';
export type DemoAsset = 'USDT' | 'BTC';
export type NameScript = 'han' | 'latin';

/** The rails a seller quoting in this fiat may accept (HKD desks often take Alipay/WeChat too). */
export const PAY_POOL: Record<DemoFiat, readonly DemoPayMethod[]> = {
  CNY: ['ALIPAY', 'WECHAT', 'BANK', 'UNIONPAY'],
  USD: ['BANK', 'WISE', 'PAYPAL'],
  HKD: ['ALIPAY', 'WECHAT', 'BANK', 'FPS'],
};

/** Price band in minor units and the number of decimals the market quotes. */
export interface PriceBand {
  scale: number;
  low: number;
  high: number;
}

// USD/USDT quotes three decimals: at two, a ±0.5% step on 1.00 could never move.
export const PRICE_BANDS: Record<DemoAsset, Record<DemoFiat, PriceBand>> = {
  USDT: {
    CNY: { scale: 2, low: 710, high: 740 },
    USD: { scale: 3, low: 995, high: 1010 },
    HKD: { scale: 2, low: 775, high: 790 },
  },
  BTC: {
    CNY: { scale: 2, low: 63_000_000, high: 67_000_000 },
    USD: { scale: 2, low: 8_800_000, high: 9_200_000 },
    HKD: { scale: 2, low: 68_500_000, high: 71_500_000 },
  },
};

/** Available amount of the asset, in hundredths. */
export const AVAILABLE_RANGE: Record<DemoAsset, { low: number; high: number }> = {
  USDT: { low: 20_000, high: 5_000_000 },
  BTC: { low: 5, high: 500 },
};

/** Minimum order choices in fiat cents. */
export const MIN_ORDER_CHOICES: Record<DemoAsset, Record<DemoFiat, readonly number[]>> = {
  USDT: {
    CNY: [10_000, 20_000, 50_000, 100_000, 200_000],
    USD: [1_000, 2_000, 5_000, 10_000],
    HKD: [10_000, 50_000, 100_000],
  },
  BTC: {
    CNY: [500_000, 1_000_000, 2_000_000],
    USD: [50_000, 100_000],
    HKD: [500_000, 1_000_000],
  },
};

/** Per-order ceiling a seller sets, in fiat cents (before the available amount caps it). */
export const ORDER_CAP_CHOICES: Record<DemoFiat, readonly number[]> = {
  CNY: [2_000_000, 5_000_000, 10_000_000, 20_000_000],
  USD: [300_000, 1_000_000, 2_500_000],
  HKD: [2_000_000, 8_000_000, 15_000_000],
};

const HAN_PREFIXES = [
  '金沙', '顺发', '诚信', '鑫源', '恒通', '宏达', '聚宝', '环球', '速汇', '安信', '盛世', '天诚',
  '富通', '永利', '汇通', '东方', '华鑫', '长城', '金鼎', '瑞丰', '龙腾', '众诚', '信达', '海纳',
];
const HAN_SUFFIXES = ['承兑', 'USDT', '商家', '币行', '优选', '秒放', '商行', '换汇', '数字', '通宝'];
const LATIN_NAMES = [
  'CryptoKing', 'FastTrade', 'BlueOcean OTC', 'HKDesk', 'TrustPay', 'Orient Exchange',
  'GoldenBridge', 'SwiftCoin', 'Pacific OTC', 'Harbor Trade', 'DragonGate', 'Nova P2P',
  'Lotus Desk', 'Silk Road OTC', 'Mint Traders', 'Kowloon Coins', 'Jade Market', 'Apex P2P',
];
const HANDLE_STEMS = ['jinsha', 'shunfa', 'hengtong', 'xinyuan', 'huitong', 'fuyuan', 'longteng', 'ruifeng', 'jubao'];
const MOBILE_PREFIXES = ['138', '139', '135', '136', '150', '152', '158', '186', '187', '188'];

const HAN_TERMS = [
  '只收支付宝，秒放',
  '实名认证，不接受第三方付款',
  '大额可议价，24小时在线',
  '请备注订单号，勿备注USDT等字样',
  '付款后请及时点击已付款，谢谢合作',
  '新手勿扰，诚信交易',
];
const LATIN_TERMS = [
  'Fast release, usually within 5 minutes.',
  'Verified buyers only. No third-party payments.',
  'Bank transfer only, account name must match.',
  'Online 9:00-23:00 (UTC+8).',
  'Large orders welcome, message before paying.',
];

/** A seller display name in the given script; Han names sometimes end in a letter ("诚信商家A"). */
export function sellerName(rng: Rng, script: NameScript): string {
  if (script === 'latin') return rng.pick(LATIN_NAMES);
  const name = rng.pick(HAN_PREFIXES) + rng.pick(HAN_SUFFIXES);
  return rng.chance(0.2) ? name + rng.pick(['A', 'B', 'C', 'D']) : name;
}

/**
 * Ad terms: a stock phrase, and for many Han-script sellers a contact for a
 * domestic app (WeChat id, QQ number, mainland mobile) — the signal the
 * domestic-facing score looks for.
 */
export function sellerTerms(rng: Rng, script: NameScript): string {
  if (script === 'latin') {
    const phrase = rng.pick(LATIN_TERMS);
    return rng.chance(0.2) ? `${phrase} WeChat: ${handle(rng)}` : phrase;
  }
  const phrase = rng.pick(HAN_TERMS);
  const roll = rng.next();
  if (roll < 0.3) return `${phrase} 加微信 ${handle(rng)}`;
  if (roll < 0.45) return `${phrase} QQ ${rng.int(10_000_000, 999_999_999)}`;
  if (roll < 0.6) return `${phrase} 电话 ${rng.pick(MOBILE_PREFIXES)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
  return phrase;
}

function handle(rng: Rng): string {
  return `${rng.pick(HANDLE_STEMS)}${rng.int(6, 999)}`;
}
