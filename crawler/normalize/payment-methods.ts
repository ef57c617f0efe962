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
 * or credit card in CNY is a mainland one (`inCny`): that is how the formats
 * README reads `BANK` on a CNY ad; the raw text stays so the rule can be revisited.
 */
function refOf(method: PaymentMethodDefinition | undefined, raw: string, context: PaymentMethodContext | undefined): PaymentMethodRef {
  if (method === undefined) return { code: null, raw };
  if (method.inCny !== undefined && context?.fiat === 'CNY') return { code: method.inCny, raw };
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
/** Very short Latin aliases (`wx`, `zfb`, `ABC`) match only as whole Latin tokens: `zfb秒放` is Alipay, `zfbx` is nothing. */
const SHORT_ALIAS = 3;
const IS_WORD_CHAR = new RegExp(`^${WORD_CHAR}$`, 'u');
/** Han compounds that read as two methods: `微信支付宝` is WeChat and Alipay, not WeChat Pay followed by 宝. */
const NOT_FOLLOWED_BY: Readonly<Record<string, string>> = { 微信支付: '[宝寶]' };

/**
 * One pattern for an alias: its words joined by optional separators; a Latin
 * edge must sit on a word boundary so `alipay` is not read inside `AlipayHK`.
 */
function aliasPattern(alias: string): string {
  const words = alias.normalize('NFKC').split(SEPARATORS).filter((word) => word !== '');
  const body = words.map((word) => word.replace(/[\^$\\.*+?()[\]{}|/]/g, '\\$&')).join(`${SEPARATOR_CLASS}*`);
  if (!/\p{Script=Han}/u.test(alias) && keyOf(alias).length <= SHORT_ALIAS) return `(?<!${WORD_CHAR})${body}(?!${WORD_CHAR})`;
  if (NOT_FOLLOWED_BY[alias] !== undefined) return `${body}(?!${NOT_FOLLOWED_BY[alias]})`;
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

/** One method named in free text: the ref, and where in the NFKC-folded text it sits. */
export interface MethodMention {
  ref: PaymentMethodRef;
  /** Offsets into `text.normalize('NFKC')`. */
  start: number;
  end: number;
}

/**
 * Every payment-method mention in free text, in order, with its position in
 * the NFKC-folded text: Han aliases anywhere, Latin aliases on word
 * boundaries, very short Latin aliases only as whole tokens. It reports
 * mentions, not intent; `readMethodsInText` (method-phrases.ts) reads the
 * words around each one.
 *
 * @example
 * ```ts
 * findMethodMentions('只收支付宝'); // [{ ref: { code: "alipay", raw: "支付宝" }, start: 2, end: 5 }]
 * ```
 */
export function findMethodMentions(text: string, context?: PaymentMethodContext): MethodMention[] {
  return [...text.normalize('NFKC').matchAll(IN_TEXT)].map((match) => ({
    ref: refOf(BY_KEY.get(keyOf(match[0])), match[0], context),
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/**
 * Finds payment methods mentioned in free text (terms, remarks, icon alts):
 * one ref per code (unknowns cannot be found in prose), in order of first
 * mention; `raw` is the matched text. Mentions, not intent: "no alipay"
 * still mentions Alipay — listings read text with `readMethodsInText`.
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
  for (const { ref } of findMethodMentions(text, context)) {
    if (!found.has(ref.code)) found.set(ref.code, ref);
  }
  return [...found.values()];
}
