/** `{{name}}` or `{{ params.asset }}`; a name is letters, digits, `_`, `-` and dots. */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/;

/** Looks up a placeholder's value; `undefined` means it has none. */
export type TemplateLookup = (name: string) => unknown;

/**
 * The placeholder names a template uses, in order of appearance, so a
 * source file can be checked at load time rather than on its first crawl.
 *
 * @example
 * ```ts
 * placeholdersOf('/ads?page={{page}}&fiat={{ params.fiat }}'); // ["page", "params.fiat"]
 * ```
 */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

/**
 * Fills a text template. `encode` is applied to every substituted value
 * (URLs pass `encodeURIComponent`, so a value cannot smuggle in `&`).
 * A placeholder without a value throws, naming it: a request built with a
 * hole in it would fetch the wrong page silently.
 *
 * @example
 * ```ts
 * renderTemplate('/ads?page={{page}}', (name) => ({ page: 2 })[name]); // "/ads?page=2"
 * ```
 */
export function renderTemplate(template: string, lookup: TemplateLookup, encode: (text: string) => string = String): string {
  return template.replace(PLACEHOLDER, (_, name: string) => encode(String(valueOf(name, lookup))));
}

/**
 * Fills every string inside a JSON value. A string that is exactly one
 * placeholder takes the value with its type (`"{{page}}"` → `2`, not `"2"`),
 * because POST APIs (Binance's `page`, `rows`) want numbers.
 *
 * @example
 * ```ts
 * renderJsonTemplate({ page: '{{page}}', asset: 'USDT', note: 'p{{page}}' }, (name) => ({ page: 2 })[name]);
 * // { page: 2, asset: "USDT", note: "p2" }
 * ```
 */
export function renderJsonTemplate(value: unknown, lookup: TemplateLookup): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    return whole ? valueOf(whole[1]!, lookup) : renderTemplate(value, lookup);
  }
  if (Array.isArray(value)) return value.map((item) => renderJsonTemplate(item, lookup));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderJsonTemplate(item, lookup)]));
  }
  return value;
}

/** Every string inside a JSON value, to check a body template's placeholders. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

function valueOf(name: string, lookup: TemplateLookup): unknown {
  const value = lookup(name);
  if (value === undefined || value === null) throw new Error(`{{${name}}} has no value`);
  return value;
}
