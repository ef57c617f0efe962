import type { PaymentMethodRef } from '../listing.ts';
import { PAYMENT_METHOD_CATALOG, type PaymentMethodDefinition } from './payment-method-catalog.ts';
import { NormalizeError, quoteInput } from './normalize-error.ts';

// Adapters and the store import the catalog from here, next to the matchers that read it.
export { DOMESTIC_PAYMENT_METHODS, PAYMENT_METHOD_CATALOG, isDomestic } from './payment-method-catalog.ts';
export type { PaymentMethodCategory, PaymentMethodDefinition } from './payment-method-catalog.ts';

/** What a match needs to know about the listing. */
export interface PaymentMethodContext {
  /** The listing's ISO 4217 fiat, e.g. `CNY`. */
  fiat?: string;
}

/** Characters that vary between spellings of one name: `WeChat Pay`, `wechat_pay`, `Bank Transfer (China)`. */
const SEPARATOR_CLASS = '[\\s_\\-.·()\\[\\]{}【】]';
const SEPARATORS = new RegExp(`${SEPARATOR_CLASS}+`, 'gu');

/**
 * Folds a spelling to its lookup key: NFKC (full-width to ASCII), lower case,
 * separators removed. Traditional script is not converted: those spellings
 * are catalog aliases of their own.
 */
function keyOf(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(SEPARATORS, '');
}

/** Key → definition over codes, names and aliases; a key claimed by two methods is a catalog bug. */
const BY_KEY = new Map<string, PaymentMethodDefinition>();
for (const method of PAYMENT_METHOD_CATALOG) {
  for (const spelling of [method.code, method.name, ...method.aliases]) {
    const key = keyOf(spelling);
    const existing = BY_KEY.get(key);
    if (existing && existing !== method) throw new Error(`payment method catalog: "${spelling}" is claimed by both ${existing.code} and ${method.code}`);
    BY_KEY.set(key, method);
  }
}

/**
 * Resolves a definition to the ref a listing carries. A generic bank transfer
 * in CNY is a mainland bank card: that is how the formats README reads
 * `BANK` on a CNY ad; the raw text stays so the rule can be revisited.
 */
function refOf(method: PaymentMethodDefinition | undefined, raw: string, context: PaymentMethodContext | undefined): PaymentMethodRef {
  if (method === undefined) return { code: null, raw };
  if (method.code === 'bank_transfer' && context?.fiat === 'CNY') return { code: 'cn_bank_card', raw };
  return { code: method.code, raw };
}

/**
 * Resolves one payment method name, as a marketplace lists it, to its
 * canonical code by exact match on the folded spelling. An unknown name is
 * kept as `{ code: null, raw }`, never dropped.
 *
 * @example
 * ```ts
 * matchPaymentMethod('aliPay'); // { code: "alipay", raw: "aliPay" }
 * matchPaymentMethod('BANK', { fiat: 'CNY' }); // { code: "cn_bank_card", raw: "BANK" }
 * matchPaymentMethod('BANK', { fiat: 'USD' }); // { code: "bank_transfer", raw: "BANK" }
 * matchPaymentMethod('QQ钱包'); // { code: null, raw: "QQ钱包" }
 * ```
 */
export function matchPaymentMethod(raw: string, context?: PaymentMethodContext): PaymentMethodRef {
  const name = raw.trim();
  if (name === '') throw new NormalizeError(`${quoteInput(raw)} is empty, expected a payment method name`);
  return refOf(BY_KEY.get(keyOf(name)), name, context);
}

/** A letter or digit outside Han script: where a Latin or Cyrillic alias must not continue. */
const WORD_CHAR = '(?:(?!\\p{Script=Han})[\\p{L}\\p{N}])';
/** Very short Latin aliases (`wx`, `zfb`, `ABC`) match only as whole tokens, not even next to Han. */
const SHORT_ALIAS = 3;
const IS_WORD_CHAR = new RegExp(`^${WORD_CHAR}$`, 'u');

/**
 * One pattern for an alias: its words joined by optional separators; a Latin
 * edge must sit on a word boundary so `alipay` is not read inside `AlipayHK`.
 */
function aliasPattern(alias: string): string {
  const words = alias.normalize('NFKC').split(SEPARATORS).filter((word) => word !== '');
  const body = words.map((word) => word.replace(/[\^$\\.*+?()[\]{}|/]/g, '\\$&')).join(`${SEPARATOR_CLASS}*`);
  if (!/\p{Script=Han}/u.test(alias) && keyOf(alias).length <= SHORT_ALIAS) return `(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`;
  const before = IS_WORD_CHAR.test(body.slice(0, 1)) ? `(?<!${WORD_CHAR})` : '';
  const after = IS_WORD_CHAR.test(body.slice(-1)) ? `(?!${WORD_CHAR})` : '';
  // `Bank Transfer (China)`: take the closing bracket too, so the raw text reads whole.
  const closing = /[)\]}】]$/.test(alias.normalize('NFKC')) ? '[)\\]}】]?' : '';
  return before + body + after + closing;
}

/** All text-safe aliases, longest key first, so the leftmost match is also the longest (`微信支付` over `微信`). */
const IN_TEXT = new RegExp(
  [
    ...new Set(
      PAYMENT_METHOD_CATALOG.flatMap((method) => method.aliases.filter((alias) => !method.ambiguousInText?.includes(alias)))
        .sort((a, b) => keyOf(b).length - keyOf(a).length)
        .map(aliasPattern),
    ),
  ].join('|'),
  'giu',
);

/**
 * Finds payment methods mentioned in free text (terms, remarks, icon alts):
 * Han aliases anywhere, Latin aliases on word boundaries, very short Latin
 * aliases only as whole tokens. One ref per code (unknowns cannot be found
 * in prose), in order of first mention; `raw` is the matched text.
 * It reports mentions, not intent: "no alipay" still mentions Alipay, and
 * the raw text shows which it was.
 *
 * @example
 * ```ts
 * findPaymentMethodsInText('只收支付宝，秒放'); // [{ code: "alipay", raw: "支付宝" }]
 * findPaymentMethodsInText('支持银行卡/云闪付', { fiat: 'CNY' }); // [{ code: "cn_bank_card", raw: "银行卡" }, { code: "unionpay", raw: "云闪付" }]
 * findPaymentMethodsInText('AlipayHK only'); // [{ code: "alipay_hk", raw: "AlipayHK" }]
 * ```
 */
export function findPaymentMethodsInText(text: string, context?: PaymentMethodContext): PaymentMethodRef[] {
  const found = new Map<string | null, PaymentMethodRef>();
  for (const [mention] of text.normalize('NFKC').matchAll(IN_TEXT)) {
    const ref = refOf(BY_KEY.get(keyOf(mention)), mention, context);
    if (!found.has(ref.code)) found.set(ref.code, ref);
  }
  return [...found.values()];
}
