import { LosslessNumber, isLosslessNumber, isSafeNumber, parse, stringify } from 'lossless-json';

/**
 * Parses a JSON body without losing a digit: whole numbers that a double
 * holds exactly (codes, counts, small ids) stay numbers; every other number
 * — a price `7.10`, a 20-digit amount, an id past 2^53 — is a
 * `LosslessNumber` holding its source text, from which decimals are made
 * (`decimalFromJson`). `JSON.parse` would round them silently.
 *
 * @example
 * ```ts
 * const body = parseJsonText('{"code":0,"price":12345678901234567890.12}');
 * body.code; // 0
 * String(body.price); // "12345678901234567890.12"
 * ```
 */
export function parseJsonText(text: string): unknown {
  return parse(text, null, (digits) => (/^-?\d+$/.test(digits) && isSafeNumber(digits) ? Number(digits) : new LosslessNumber(digits)));
}

/**
 * JSON text of a value parsed by `parseJsonText` (or any plain value),
 * numbers printed as they came: the raw row of a parse failure shows what
 * the platform sent.
 *
 * @example
 * ```ts
 * jsonText(parseJsonText('{"price":7.10}')); // '{"price":7.10}'
 * ```
 */
export function jsonText(value: unknown): string {
  return stringify(value) ?? String(value);
}

/**
 * Whether a value is a number kept as its source text by `parseJsonText`.
 *
 * @example
 * ```ts
 * isExactNumber(parseJsonText('7.10')); // true
 * ```
 */
export function isExactNumber(value: unknown): value is LosslessNumber {
  return isLosslessNumber(value);
}
