import type { Cheerio } from 'cheerio';
import type { Element } from 'domhandler';
import { matchPaymentMethod } from '../normalize/payment-methods.ts';

/**
 * Reads a payment method's name off one element (an icon, a badge, a text
 * span), from the first source in `from` that has one:
 * - `text`: the element's text;
 * - `src`: the file name without folder, extension or `@2x` (`/i/pay/alipay@2x.png` → `alipay`),
 *   or the part of it naming a known method (`icon_wechat.svg` → `wechat`);
 * - `class`: the class token, or its part after a `-`/`_`, naming a known method
 *   (`pay-icon pay-unionpay` → `unionpay`). A class list has no single name,
 *   so an unknown method cannot be read from it;
 * - any other word: that attribute (`alt`, `title`, `data-pay`).
 *
 * @example
 * ```ts
 * nameOfIcon($('<img class="pay pay-wechat" src="/i/wx.png">'), ['alt', 'class', 'src']); // "wechat"
 * ```
 */
export function nameOfIcon(element: Cheerio<Element>, from: readonly string[]): string | null {
  for (const source of from) {
    const name = nameFrom(element, source);
    if (name) return name;
  }
  return null;
}

function nameFrom(element: Cheerio<Element>, source: string): string | null {
  switch (source) {
    case 'text':
      return element.text().trim() || null;
    case 'class':
      return (element.attr('class') ?? '').split(/\s+/).map(knownPart).find((name) => name !== null) ?? null;
    case 'src': {
      const file = fileStem(element.attr('src') ?? '');
      return file === '' ? null : (knownPart(file) ?? file);
    }
    default:
      return element.attr(source)?.trim() || null;
  }
}

/** `/static/pay/alipay@2x.png?v=3` → `alipay`. */
function fileStem(src: string): string {
  const file = src.split(/[?#]/)[0]!.split('/').pop() ?? '';
  return file.replace(/\.[A-Za-z0-9]+$/, '').replace(/@\d+x$/, '');
}

/** The token itself, or its tail after a `-`/`_`, when it names a known method (`pay-alipay` → `alipay`). */
function knownPart(token: string): string | null {
  const parts = token.split(/[-_]/);
  for (let i = 0; i < parts.length; i += 1) {
    const candidate = parts.slice(i).join('-');
    if (candidate !== '' && matchPaymentMethod(candidate).code !== null) return candidate;
  }
  return null;
}
