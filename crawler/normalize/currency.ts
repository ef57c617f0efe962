import { ownEntry } from '../own-entry.ts';
import { NormalizeError, quoteInput } from './normalize-error.ts';

/**
 * Active ISO 4217 fiat codes, plus `CNH`: not ISO, but the market code for
 * offshore yuan. It is kept apart from `CNY` because a desk quoting CNH
 * settles outside the mainland, which matters to an investigation.
 */
const FIAT_CODES = new Set(
  `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
   CAD CDF CHF CLP CNH CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
   GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD
   KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK
   NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD
   SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD
   XCG XOF XPF YER ZAR ZMW ZWG`.split(/\s+/),
);

/** Names and symbols boards print instead of a code; keys are NFKC, upper-cased, without spaces. */
const FIAT_ALIASES: Record<string, string> = {
  RMB: 'CNY', 人民币: 'CNY', 人民幣: 'CNY', 元: 'CNY', 块: 'CNY',
  US$: 'USD', 美元: 'USD', 美金: 'USD',
  HK$: 'HKD', 港币: 'HKD', 港幣: 'HKD', 港元: 'HKD',
  NT$: 'TWD', 新台币: 'TWD', 新臺幣: 'TWD', 新台幣: 'TWD', 台币: 'TWD', 臺幣: 'TWD',
  '€': 'EUR', 欧元: 'EUR', 歐元: 'EUR',
  '£': 'GBP', 英镑: 'GBP', 英鎊: 'GBP',
  円: 'JPY', 日元: 'JPY', 日圆: 'JPY', 日圓: 'JPY', 日币: 'JPY',
  '₩': 'KRW', 韩元: 'KRW', 韓元: 'KRW', 韩币: 'KRW',
  S$: 'SGD', 新加坡元: 'SGD', 新币: 'SGD',
  RM: 'MYR', 马币: 'MYR', 林吉特: 'MYR', 令吉: 'MYR',
  '₫': 'VND', 越南盾: 'VND',
  '฿': 'THB', 泰铢: 'THB', 泰銖: 'THB',
  '₱': 'PHP', 菲律宾比索: 'PHP',
  '₽': 'RUB', 卢布: 'RUB', 盧布: 'RUB',
  迪拉姆: 'AED',
  A$: 'AUD', 澳元: 'AUD', 澳币: 'AUD',
  C$: 'CAD', 加元: 'CAD', 加币: 'CAD',
  MOP$: 'MOP', 澳门币: 'MOP', 澳门元: 'MOP',
  '₹': 'INR', 卢比: 'INR', 印度卢比: 'INR',
  R$: 'BRL', '₺': 'TRY', '₴': 'UAH', '₸': 'KZT', '₦': 'NGN',
};

/** Which yen `¥` means; boards for mainland traders mean the yuan. */
export type YenHint = 'CNY' | 'JPY';

/**
 * Reads a fiat currency as a code, name or symbol and returns its upper-case
 * ISO 4217 code. `¥`/`￥` is printed for both yuan and yen: it defaults to
 * CNY because the watched boards serve mainland traders; pass `'JPY'` for a
 * Japanese board. A bare `$` is refused: too many currencies print it.
 *
 * @example
 * ```ts
 * normalizeFiat('人民币'); // "CNY"
 * normalizeFiat('usd'); // "USD"
 * normalizeFiat('¥', 'JPY'); // "JPY"
 * normalizeFiat('XYZ'); // throws NormalizeError
 * ```
 */
export function normalizeFiat(text: string, yen: YenHint = 'CNY'): string {
  const key = text.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  if (key === '') throw new NormalizeError(`${quoteInput(text)} is empty, expected a fiat currency`);
  if (key === '¥') return yen;
  if (key === '$') throw new NormalizeError(`${quoteInput(text)} is ambiguous (USD, HKD, TWD, SGD, …); give the currency code`);
  const code = ownEntry(FIAT_ALIASES, key) ?? (FIAT_CODES.has(key) ? key : undefined);
  if (code === undefined) throw new NormalizeError(`${quoteInput(text)} is not a known fiat currency`);
  return code;
}

/** Asset names boards print instead of a ticker; keys are NFKC, upper-cased, without spaces. */
const ASSET_ALIASES: Record<string, string> = {
  TETHER: 'USDT', 泰达币: 'USDT', 泰達幣: 'USDT', 'USD₮': 'USDT',
  BITCOIN: 'BTC', 比特币: 'BTC', 比特幣: 'BTC',
  ETHEREUM: 'ETH', ETHER: 'ETH', 以太坊: 'ETH', 以太币: 'ETH', 以太幣: 'ETH',
  USDCOIN: 'USDC',
  BINANCECOIN: 'BNB', 币安币: 'BNB', 幣安幣: 'BNB',
  TRON: 'TRX', 波场: 'TRX', 波場: 'TRX', 波场币: 'TRX',
  FIRSTDIGITALUSD: 'FDUSD',
  LITECOIN: 'LTC', 莱特币: 'LTC', 萊特幣: 'LTC',
  DOGECOIN: 'DOGE', 狗狗币: 'DOGE',
  SOLANA: 'SOL', TONCOIN: 'TON', RIPPLE: 'XRP', 瑞波币: 'XRP',
};

/** `USDT-TRC20`, `USDT_ERC20`, `USDT (BEP20)`: the network is not the asset. */
const ON_NETWORK = /^([A-Z0-9]{2,10})(?:\s*[-_(]\s*|\s+)(?:TRC-?20|ERC-?20|BEP-?20|BEP-?2|SPL|TRON|TRX|ETH|BSC|SOL|POLYGON|MATIC|ARBITRUM|ARB|OPTIMISM|OP|AVAX-?C|TON|BASE)\s*\)?$/;
const TICKER = /^(?=.*[A-Z])[A-Z0-9]{2,10}$/;

/**
 * Reads a crypto asset as a ticker, name or ticker-on-network and returns the
 * upper-case ticker. An unknown ticker-like token (2–10 letters/digits, at
 * least one letter) is accepted as is: new coins appear faster than lists.
 *
 * @example
 * ```ts
 * normalizeAsset('泰达币'); // "USDT"
 * normalizeAsset('USDT-TRC20'); // "USDT"
 * normalizeAsset('pepe'); // "PEPE"
 * normalizeAsset('N/A'); // throws NormalizeError
 * ```
 */
export function normalizeAsset(text: string): string {
  const upper = text.normalize('NFKC').trim().toUpperCase();
  if (upper === '') throw new NormalizeError(`${quoteInput(text)} is empty, expected an asset ticker`);
  const base = ON_NETWORK.exec(upper)?.[1] ?? upper;
  const ticker = ownEntry(ASSET_ALIASES, base.replace(/\s+/g, '')) ?? base;
  if (!TICKER.test(ticker)) throw new NormalizeError(`${quoteInput(text)} is not an asset ticker or known asset name`);
  return ticker;
}
