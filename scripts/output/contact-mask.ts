import { CONTACT_PATTERNS, HANDLE_KINDS } from '../../store/signals/contact-patterns.ts';

/**
 * Masks a contact handle for reports: a mainland mobile keeps its first 3
 * and last 4 digits, any other handle its first and last 2 characters.
 * The database keeps handles in full; only what is shown is masked.
 *
 * @example
 * maskHandle('13812345678');  // "138****5678"
 * maskHandle('12345678');     // "12****78"
 * maskHandle('jinsha123');    // "ji*****23"
 */
export function maskHandle(handle: string): string {
  const mobile = /^1[3-9]\d{9}$/.test(handle);
  const head = mobile ? 3 : 2;
  const tail = mobile ? 4 : 2;
  if (handle.length <= head + tail) return '*'.repeat(handle.length);
  return handle.slice(0, head) + '*'.repeat(handle.length - head - tail) + handle.slice(-tail);
}

const HANDLE_PATTERNS = HANDLE_KINDS.map((kind) => new RegExp(CONTACT_PATTERNS[kind], 'gi'));

/**
 * What every handle pattern needs at least: five digits in a row (QQ,
 * mobile) or a WeChat keyword. A text without any cannot hold a handle and
 * skips the three full patterns (exports mask millions of cells).
 */
const MAYBE_HANDLE = /[0-9]{5}|[微威薇]|v信|vx|wx|wechat|weixin/i;

/**
 * Masks every WeChat id, QQ number and mainland mobile found in a text
 * (an operator name, ad terms), with the same patterns the
 * `domestic_contact` signal uses; the words around them stay readable.
 *
 * @example
 * maskContacts('秒放 加微信 jinsha123 电话 13812345678'); // "秒放 加微信 ji*****23 电话 138****5678"
 */
export function maskContacts(text: string): string {
  if (!MAYBE_HANDLE.test(text)) return text;
  let masked = text;
  for (const pattern of HANDLE_PATTERNS) {
    masked = masked.replace(pattern, (match: string, handle: string) => {
      const at = match.lastIndexOf(handle);
      return match.slice(0, at) + maskHandle(handle) + match.slice(at + handle.length);
    });
  }
  return masked;
}
