/**
 * Contact handles for mainland apps, as regular expressions that mean the
 * same in Postgres (ARE, run by the `domestic_contact` signal) and in
 * JavaScript (masking in reports), both case-insensitive. In the handle
 * patterns the one capture group is the handle itself; `invitation` has
 * none: a bare "加微信" or "VX" asks buyers to move to WeChat.
 *
 * - `wechat` — a WeChat keyword, then an id: a letter and 5–19 letters, digits, `_` or `-`;
 * - `qq` — "QQ" / "扣扣" / "企鹅", then a 5–12 digit number;
 * - `mobile` — a mainland mobile number `1[3-9]` + 9 digits, optionally `+86`, not inside a longer number.
 *
 * @example
 * new RegExp(CONTACT_PATTERNS.qq, 'i').exec('诚信交易 QQ 12345678')?.[1]; // "12345678"
 * new RegExp(CONTACT_PATTERNS.mobile, 'i').exec('电话 13812345678')?.[1];  // "13812345678"
 */
export const CONTACT_PATTERNS = {
  wechat: '(?<![a-z0-9_])(?:加微信|加微|微信号|微信|威信|薇信|v信|vx|wx|wechat|weixin)\\s*(?:号|id)?\\s*[：:]?\\s*([a-z][-_a-z0-9]{5,19})(?![-_a-z0-9])',
  qq: '(?<![a-z])(?:qq|扣扣|企鹅)\\s*(?:号码|号)?\\s*[：:]?\\s*([1-9][0-9]{4,11})(?![0-9])',
  mobile: '(?<![0-9])(?:\\+?86[- ]?)?(1[3-9][0-9]{9})(?![0-9])',
  invitation: '(?:加微信|加微|微信号|加qq|加扣扣|v信|加v(?![a-z])|(?<![a-z])vx(?![a-z]))',
} as const;

/** A kind of contact handle; `invitation` carries no handle. */
type ContactKind = keyof typeof CONTACT_PATTERNS;

/** The kinds that carry a handle (a value to mask). */
export const HANDLE_KINDS = ['wechat', 'qq', 'mobile'] as const satisfies readonly ContactKind[];
