/**
 * How sellers give a contact in free text: `加微信 zhang_otc`, `vx: lee88`,
 * `QQ 12345678`, `电话 13812345678`, `TG @otc_desk`. A contact is a channel
 * to talk on, never a payment method — the formats README is explicit that
 * `wx`, `微信号`, `加微信` and `QQ` followed by a handle are contacts.
 */
export type ContactChannel = 'wechat' | 'qq' | 'phone' | 'telegram';

/** One contact found in text: its channel and where it sits in the NFKC-folded text. */
export interface ContactMention {
  channel: ContactChannel;
  /** The matched text, invitation and handle (when given) together. */
  text: string;
  start: number;
  end: number;
}

/** A handle: Latin letters, digits and `_ . -`, at least 3 long. */
const HANDLE = '[A-Za-z0-9][A-Za-z0-9_.-]{2,}';
/**
 * A handle after a bare name must show it is one: letters with a digit or `_`
 * (`lee88`, `zhang_otc`), or a mainland mobile. "WeChat only" must not read
 * "only" as a handle, nor `微信 5000以内` an amount.
 */
const MARKED_HANDLE = '(?:[A-Za-z](?=[A-Za-z0-9_.-]*[\\d_])[A-Za-z0-9_.-]{2,}|1[3-9]\\d{9}(?!\\d))';
/** What a seller's "add me" looks like before a messenger's name. */
const INVITE = '(?:加我|加个|加下|加一下|请加|添加|加|联系|联系我|私聊|私信|咨询|add(?:\\s+me)?(?:\\s+on)?|contact(?:\\s+me)?(?:\\s+(?:on|via|by))?|message\\s+me\\s+on|dm\\s+me\\s+on|ping\\s+me\\s+on|reach\\s+me\\s+on|hit\\s+me\\s+up\\s+on)';
/** WeChat's names as a messenger: its payment aliases (`微信`, `wx`, `WeChat`) and the chat-only ones (`vx`, `V信`, `薇信`). */
const WECHAT = '(?:微信|weixin|wechat|wx|vx|v信|威信|薇信|微xin|维信)';
/** Payment words after the name make it the payment method again (`加微信支付`), and so does a list (`支付宝加微信都行`: "plus"). */
const NOT_PAYMENT = '(?!\\s*(?:支付|付款|转账|轉賬|收款|都|也|均|pay(?:ment)?\\b))';
/** After the name: talk, not money (`微信联系`, `微信沟通`, `wechat me`). */
const TALK_AFTER = '(?:联系|聯繫|沟通|咨询|聊|私聊|留言|好友|加好友|客服|群|me\\b)';

const PATTERNS: ReadonlyArray<{ channel: ContactChannel; pattern: string }> = [
  // 加微信 zhang_otc, 加V, add me on WeChat: abc — the invitation makes it a contact, a handle may follow.
  { channel: 'wechat', pattern: `${INVITE}\\s*(?:${WECHAT}|v(?!信)|微(?!信|xin))(?:号|號|id)?${NOT_PAYMENT}(?:\\s*[:：]?\\s*${HANDLE})?` },
  // 微信号: abc, WeChat ID abc, wx: abc.
  { channel: 'wechat', pattern: `${WECHAT}\\s*(?:号|號|id|帐号|账号)\\s*[:：]?\\s*(?:${HANDLE})?` },
  { channel: 'wechat', pattern: `${WECHAT}\\s*[:：]\\s*${HANDLE}` },
  // wx zhang_otc, vx lee88: a bare name followed by something that is clearly a handle.
  { channel: 'wechat', pattern: `${WECHAT}\\s*${MARKED_HANDLE}` },
  // vx, V信 alone are never a payment method: no payment alias spells WeChat that way.
  { channel: 'wechat', pattern: '(?:vx|v信|威信|薇信|维信)' },
  { channel: 'wechat', pattern: `${WECHAT}\\s*${TALK_AFTER}` },
  { channel: 'qq', pattern: '(?:qq|扣扣|企鹅)(?:号|號|群)?\\s*[:：]?\\s*\\d{5,11}' },
  { channel: 'qq', pattern: `${INVITE}\\s*(?:qq|扣扣)` },
  { channel: 'phone', pattern: '(?:电话|電話|手机|手機|tel|phone|call|whatsapp|WhatsApp)\\s*[:：]?\\s*\\+?\\d[\\d -]{6,}\\d' },
  { channel: 'phone', pattern: '(?<!\\d)1[3-9]\\d{9}(?!\\d)' },
  { channel: 'telegram', pattern: '(?:telegram|tg|飞机|纸飞机|飛機|电报|電報)\\s*(?:号|號|id)?\\s*[:：]?\\s*@?[A-Za-z][A-Za-z0-9_]{3,}' },
  { channel: 'telegram', pattern: '(?:t\\.me/|(?<![\\w.])@)[A-Za-z][A-Za-z0-9_]{3,}' },
];

const COMPILED = PATTERNS.map(({ channel, pattern }) => ({ channel, regex: new RegExp(pattern, 'giu') }));

/**
 * Finds the contacts given in free text, longest match first where two
 * overlap, in order of position. Offsets are into `text.normalize('NFKC')`,
 * the same text `findMethodMentions` reads, so a method named inside a
 * contact (the `微信` of `加微信 abc123`) can be told apart.
 *
 * @example
 * ```ts
 * findContactMentions('银行卡优先，加微信 abc123'); // [{ channel: "wechat", text: "加微信 abc123", start: 6, end: 16 }]
 * ```
 */
export function findContactMentions(text: string): ContactMention[] {
  const folded = text.normalize('NFKC');
  const found: ContactMention[] = [];
  for (const { channel, regex } of COMPILED) {
    for (const match of folded.matchAll(regex)) {
      found.push({ channel, text: match[0].trim(), start: match.index, end: match.index + match[0].length });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: ContactMention[] = [];
  for (const mention of found) {
    const last = kept.at(-1);
    if (last !== undefined && mention.start < last.end) continue;
    kept.push(mention);
  }
  return kept;
}
