import type { PaymentMethodRef } from '../listing.ts';
import { findContactMentions, type ContactMention } from './contact-mentions.ts';
import { findMethodMentions, type PaymentMethodContext } from './payment-methods.ts';

/** What free text says about payment: the methods it accepts or refuses, and the contacts it gives. */
export interface TextMethods {
  /** One ref per canonical code, `source: 'text'`, `stance` accepted or refused, in order of first mention. */
  methods: PaymentMethodRef[];
  /** Contact channels named (`加微信 abc123`): never payment methods. */
  contacts: ContactMention[];
}

/** Stands for a method mention while the words around another one are read. */
const METHOD = '\uE000';
/** Stands for a contact: it ends any list it sits in. */
const CONTACT = '\uE001';

/**
 * A refusal before the method (`不收支付宝`, "no Alipay", `除了微信`). Long
 * forms first, so `不接受` is not read as `不接`.
 */
const REFUSE_BEFORE = [
  '不收', '不接受', '不接', '不要', '拒收', '拒绝', '拒絕', '不支持', '不用', '不走', '不能用', '不可用', '不可以用', '不可', '禁止', '禁用',
  '勿用', '勿', '别用', '別用', '谢绝', '謝絕', '不做', '除了', '除', '不收取',
  'no', 'not', 'never', 'without', 'except', 'excluding', 'refuse', 'refused',
  "don't accept", 'do not accept', "don't take", 'do not take', "won't accept", "can't accept", 'cannot accept', "don't use", 'do not use', 'not accepting',
];
/** A refusal after the method (`支付宝不收`, "Alipay not accepted"), which must end its clause (`微信不要备注` is not one). */
const REFUSE_AFTER = [
  '不收', '不接受', '不接', '不要', '拒收', '不行', '不可以', '不可', '不支持', '不能', '免谈', '免談', '勿扰', '勿', '禁止', '不用', '不考虑',
  'no', 'not accepted', 'is not accepted', 'are not accepted', 'not ok', 'not supported', 'no thanks', 'refused', 'not welcome', '×', '✗', '❌',
];
/** Words a refusal may reach over before its method: `不接受任何微信`, "no payments via WeChat". */
const FILLER = ['任何', '个人', '個人', '他人', '第三方', '的', '用', '使用', '走', '收', '接受', 'any', 'accept', 'use', 'payment via', 'payments via', 'payment by', 'payments by', 'payments through'];
/** What joins methods into one list a refusal covers: `微信、支付宝`, "WeChat or Alipay". A `，` or `,` ends it. */
const LIST_JOIN = '(?:[\\s、/&+和与與及或跟]|以及|and|or|nor)';
/** Softeners and words that may stand between a list and the refusal after it: `一律不收`, `都不行`. */
const ADVERB = '(?:也|都|一律|一概|概|均|皆|暂|暂时|暫時|目前|统统|通通)';
/** Where a refusal after the method ends: clause punctuation, the end, or a particle (`不行哦`). */
const CLAUSE_END = '(?=$|[\\s，。,.;；!！?？、)）~～]|[哦噢喔啊呢了哈呀的])';

const alternatives = (words: readonly string[]) =>
  [...words].sort((a, b) => b.length - a.length).map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === ' ' ? c : `\\${c}`)).replace(/ /g, '\\s+')).join('|');
/** Latin cue words stand on word boundaries (`no` is not the end of `casino`). */
const cue = (words: readonly string[]) => `(?:(?<![A-Za-z])(?:${alternatives(words)})(?![A-Za-z]))`;

const REFUSED_BEFORE = new RegExp(`${cue(REFUSE_BEFORE)}(?:${LIST_JOIN}|${cue(FILLER)}|${METHOD})*$`, 'iu');
const REFUSED_AFTER = new RegExp(`^(?:${LIST_JOIN}|${METHOD}|[:：])*${ADVERB}?\\s*${cue(REFUSE_AFTER)}${CLAUSE_END}`, 'iu');

/**
 * Reads the payment methods of free text in context, as a person would:
 * each method mentioned is *accepted* (`也可以微信付款`, `只收支付宝`, or
 * named with no cue), *refused* (`不收支付宝`, `支付宝不行`, "no Alipay",
 * `除了微信`; a refusal covers a list: `微信、支付宝一律不收`), or *not a
 * payment method* when it names a contact channel (`加微信 zhang_otc`,
 * `微信号: abc`, `wx lee88`), which is returned under `contacts`.
 * A method both accepted and refused in one text counts as refused, so a
 * contradiction never makes a method alert.
 *
 * @example
 * ```ts
 * readMethodsInText('只收支付宝 不收微信').methods;
 * // [{ code: "alipay", raw: "支付宝", stance: "accepted", source: "text" }, { code: "wechat_pay", raw: "微信", stance: "refused", source: "text" }]
 * readMethodsInText('银行卡优先，也可微信付款，加微信 abc123', { fiat: 'CNY' }).contacts; // [{ channel: "wechat", text: "加微信 abc123", … }]
 * ```
 */
export function readMethodsInText(text: string, context?: PaymentMethodContext): TextMethods {
  const folded = text.normalize('NFKC');
  const contacts = findContactMentions(folded);
  const inContact = (start: number) => contacts.some((c) => start >= c.start && start < c.end);
  const mentions = findMethodMentions(folded, context).filter((m) => !inContact(m.start));

  // The text with every mention and contact replaced by one marker character: the words around a mention read without the method names themselves.
  const spans = [...mentions.map((m) => ({ ...m, marker: METHOD })), ...contacts.map((c) => ({ ...c, marker: CONTACT }))].sort((a, b) => a.start - b.start);
  let masked = '';
  let cursor = 0;
  const markerAt = new Map<number, number>();
  for (const span of spans) {
    masked += folded.slice(cursor, span.start);
    markerAt.set(span.start, masked.length);
    masked += span.marker;
    cursor = span.end;
  }
  masked += folded.slice(cursor);

  const byCode = new Map<string | null, PaymentMethodRef>();
  for (const mention of mentions) {
    const at = markerAt.get(mention.start)!;
    const refused = REFUSED_BEFORE.test(masked.slice(0, at)) || REFUSED_AFTER.test(masked.slice(at + 1));
    const ref: PaymentMethodRef = { ...mention.ref, stance: refused ? 'refused' : 'accepted', source: 'text' };
    const seen = byCode.get(ref.code);
    if (seen === undefined) byCode.set(ref.code, ref);
    else if (refused && seen.stance === 'accepted') byCode.set(ref.code, { ...seen, stance: 'refused' });
  }
  return { methods: [...byCode.values()], contacts };
}
