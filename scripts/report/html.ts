import { safeText, safeValue } from '../output/safe-text.ts';

/** A fragment of HTML that is already safe: made by `html` or `trustedHtml`, inserted as is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[];

/**
 * HTML from a template, every interpolated value escaped unless it is an
 * `Html` fragment: text passes `safeText` (controls out, contact handles
 * masked) and then `escapeHtml`. Arrays are joined. So a seller called
 * `<img src=x onerror=alert(1)>` is shown as those characters, never parsed.
 *
 * @example
 * html`<td>${name}</td>`.value;                 // "<td>&lt;img src=x onerror=alert(1)&gt;</td>"
 * html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`;
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += fragment(value) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Markup otcwatch wrote itself (the inlined chart library, its stylesheet): inserted unescaped. */
export function trustedHtml(markup: string): Html {
  return new Html(markup);
}

/**
 * Escapes the five characters that matter in HTML text and attribute values.
 *
 * @example
 * escapeHtml(`<a href="x">'&'</a>`); // "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A value as JSON safe inside `<script type="application/json">`: strings
 * through `safeValue`, and `<`, `>`, `&`, U+2028 and U+2029 written as
 * `\u` escapes, so no text in it can close the script element or break a
 * parser that treats those line separators as line ends.
 *
 * @example
 * jsonForScript({ label: '</script><script>x()</script>' }); // '{"label":"\u003c/script\u003e…"}'
 */
export function jsonForScript(value: unknown): Html {
  const json = JSON.stringify(safeValue(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return new Html(json);
}

function fragment(value: Interpolation): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map((v) => fragment(v)).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(safeText(String(value)));
}
