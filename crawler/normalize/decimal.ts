import { isExactNumber } from './json-text.ts';
import { NormalizeError, RowParseError, quoteInput } from './normalize-error.ts';

/*
 * Amounts stay digit strings from the page to the database: a float would
 * turn 7.26 into 7.2599999… and make two identical snapshots differ.
 *
 * Canonical form: plain digits, at most one `.`, no sign, no leading zeros
 * (except a lone `0` before the point), no trailing fractional zeros and no
 * dangling point: "500.00" → "500", "7.250" → "7.25", "0.50" → "0.5".
 */

/** Currency marks allowed around a number; the unit itself is the fiat/asset field's business. */
const SYMBOL = '[$¥€£₩₽₹₫฿₱₺₴₸₦]';
/** Letters before a symbol: `US$`, `HK$`, `NT$`, `CNY ¥`. */
const SYMBOL_PREFIX = '[A-Za-z]{1,3}';
/** A code before the number (`CNY 7.25`, `USDT 100`, `RM 50`), short so words like "about" stay out. */
const CODE_BEFORE = '(?:[A-Za-z]{3,4}|RM|Rp)';
/** A code after the number: `7.25 CNY`, `2.5k USDT`, `100 FDUSD`. */
const CODE_AFTER = '[A-Za-z]{2,5}';
const HAN_UNIT = '(?:人民币|人民幣|元|块)';
const BEFORE = `(?:${SYMBOL_PREFIX}\\s*${SYMBOL}|${SYMBOL}|${CODE_BEFORE}|${HAN_UNIT})`;
const AFTER = `(?:${SYMBOL}|${CODE_AFTER}|${HAN_UNIT})`;
const NUMBER = '[0-9](?:[0-9., ]*[0-9])?';
/** Latin multipliers must not run into a word: `3MYR` is 3 MYR, not 3 million YR. */
const MULTIPLIER = '[kKmM](?![A-Za-z])|千|万|萬|亿|億';
const DECORATED = new RegExp(`^\\+?\\s*(?:${BEFORE}\\s*)?\\+?(${NUMBER})(${MULTIPLIER})?\\s*(?:${AFTER})?$`);

const MULTIPLIER_PLACES: Record<string, number> = { k: 3, m: 6, 千: 3, 万: 4, 萬: 4, 亿: 8, 億: 8 };

const NOT_FINITE = /^[+-]?\s*(?:nan|inf|infinity|∞)$/i;
const EXPONENT = /\d\s*e\s*[+-]?\s*\d/i;
const MINUS = /[-−‐‑‒–—﹣－]/;
const NUMBERS = /\d+(?:[., ]\d+)*/g;
const CANONICAL = /^(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;
/** Plain ASCII digits with at most one point: what JSON APIs send, read without the decorated-number gauntlet. */
const PLAIN = /^(\d+)(?:\.(\d+))?$/;

/**
 * Reads a non-negative amount as marketplaces print it and returns it in
 * canonical form (see top of file). Accepts currency symbols and codes on
 * either side, thousands separators (`,` `.` space, NBSP, thin space),
 * decimal commas (`7,25`, `1.234,56`), full-width digits, and multipliers
 * `K` `M` `千` `万` `亿` applied by shifting the point, never by float maths.
 *
 * A lone `.` is a decimal point (`1.234` is 1.234, as prices are printed)
 * and repeated dots group thousands (`1.234.567`); a lone `,` is a decimal
 * comma before 1–2 digits (`7,25`) or after a leading zero (`0,500`), and
 * groups thousands otherwise (`50,000`).
 *
 * @example
 * ```ts
 * parseDecimal('¥7.25'); // "7.25"
 * parseDecimal('１，２３４．５６'); // "1234.56"
 * parseDecimal('1.5万'); // "15000"
 * parseDecimal('N/A'); // throws NormalizeError: "N/A" is not a decimal number
 * ```
 */
export function parseDecimal(text: string): string {
  const simple = PLAIN.exec(text);
  if (simple) return canonical(simple[1]!, simple[2] ?? '');
  const input = text.normalize('NFKC').trim();
  const fail = (reason: string) => new NormalizeError(`${quoteInput(text)} ${reason}`);
  if (input === '') throw fail('is empty, expected a decimal number');
  if (NOT_FINITE.test(input)) throw fail('is not a finite number');
  if (!/\d/.test(input)) throw fail('is not a decimal number');
  if (EXPONENT.test(input)) throw fail('uses exponent notation; expected plain digits');
  if (MINUS.test(input.slice(0, input.search(/\d/)))) throw fail('is negative; amounts are never below zero');
  const match = DECORATED.exec(input);
  if (!match) throw fail((input.match(NUMBERS)?.length ?? 0) > 1 ? 'holds more than one number' : 'is not a decimal number');
  const [, digits = '', multiplier] = match;
  const plain = ungroup(digits);
  if (plain === null) throw fail(digits.includes(' ') ? 'holds more than one number or malformed digit grouping' : 'has malformed digit grouping');
  return multiplier ? shiftDecimal(plain, MULTIPLIER_PLACES[multiplier.toLowerCase()] ?? 0) : plain;
}

/**
 * Resolves separators in a digit run to a canonical decimal, or null when the
 * grouping makes no sense (`1.2.3`, `12,34,5`, `1,2345`).
 */
function ungroup(digits: string): string | null {
  const separators = digits.replace(/\d/g, '');
  const last = separators.at(-1);
  let decimalMark: string | null = null;
  if (separators.includes(',') && separators.includes('.')) {
    decimalMark = last ?? null;
  } else if (separators.includes(' ')) {
    decimalMark = last === ',' || last === '.' ? last : null;
  } else if (last === '.') {
    decimalMark = separators.length === 1 ? '.' : null;
  } else if (last === ',') {
    decimalMark = separators.length === 1 && /^0,|,\d{1,2}$/.test(digits) ? ',' : null;
  }
  const point = decimalMark === null ? -1 : digits.lastIndexOf(decimalMark);
  const whole = point === -1 ? digits : digits.slice(0, point);
  const fraction = point === -1 ? '' : digits.slice(point + 1);
  const groups = whole.split(/[., ]/);
  const grouped =
    groups.length === 1 ||
    (new Set(whole.replace(/\d/g, '')).size === 1 && groups.every((group, i) => (i === 0 ? /^[1-9]\d{0,2}$/.test(group) : group.length === 3)));
  return grouped ? canonical(groups.join(''), fraction) : null;
}

/**
 * Multiplies a canonical decimal by 10^places by moving its point; negative
 * places divide. Exact for any size.
 *
 * @example
 * ```ts
 * shiftDecimal('1.5', 4); // "15000"
 * shiftDecimal('98', -2); // "0.98"
 * ```
 */
export function shiftDecimal(value: string, places: number): string {
  const [whole = '', fraction = ''] = assertCanonical(value).split('.');
  const digits = whole + fraction;
  const point = whole.length + places;
  if (point <= 0) return canonical('0', '0'.repeat(-point) + digits);
  if (point >= digits.length) return canonical(digits + '0'.repeat(point - digits.length), '');
  return canonical(digits.slice(0, point), digits.slice(point));
}

/**
 * Orders two canonical decimals exactly, without converting to numbers.
 *
 * @example
 * ```ts
 * compareDecimal('500', '50000'); // -1
 * compareDecimal('7.25', '7.25'); // 0
 * compareDecimal('10', '9.99'); // 1
 * ```
 */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const [aWhole = '', aFraction = ''] = assertCanonical(a).split('.');
  const [bWhole = '', bFraction = ''] = assertCanonical(b).split('.');
  if (aWhole.length !== bWhole.length) return aWhole.length < bWhole.length ? -1 : 1;
  const width = Math.max(aFraction.length, bFraction.length);
  const left = aWhole + aFraction.padEnd(width, '0');
  const right = bWhole + bFraction.padEnd(width, '0');
  return left === right ? 0 : left < right ? -1 : 1;
}

/**
 * Reads an amount from a JSON API field: a string (parsed like page text) or
 * a number that survives `String(n)` exactly, i.e. finite, not printed with
 * an exponent and, if whole, a safe integer. Anything else is a row failure
 * naming `fieldPath`.
 *
 * @example
 * ```ts
 * decimalFromJson('7.26', 'adv.price'); // "7.26"
 * decimalFromJson(0.987, 'advertiser.monthFinishRate'); // "0.987"
 * decimalFromJson(parseJsonText('12345678901234567890.12'), 'price'); // "12345678901234567890.12"
 * decimalFromJson(null, 'adv.price'); // throws RowParseError: adv.price: null is not a decimal number
 * ```
 */
export function decimalFromJson(value: unknown, fieldPath: string): string {
  const fail = (reason: string) => new RowParseError(fieldPath, `${quoteInput(value)} ${reason}`);
  if (isExactNumber(value)) {
    // The number's own source text (lossless JSON), so a 20-digit amount keeps every digit.
    if (/e/i.test(value.value)) throw fail('is printed with an exponent; expected plain digits');
    return parseDecimal(value.value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw fail('is not a finite number');
    if (/e/i.test(String(value))) throw fail('is printed with an exponent; expected plain digits');
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw fail('is beyond exact integer range; the API should send it as text');
  } else if (typeof value !== 'string') {
    throw fail('is not a decimal number');
  }
  try {
    return parseDecimal(String(value));
  } catch (error) {
    if (error instanceof NormalizeError) throw new RowParseError(fieldPath, error.message, { cause: error });
    throw error;
  }
}

function canonical(whole: string, fraction: string): string {
  const w = whole.replace(/^0+(?=\d)/, '') || '0';
  const f = fraction.replace(/0+$/, '');
  return f === '' ? w : `${w}.${f}`;
}

function assertCanonical(value: string): string {
  // Callers pass parseDecimal output; anything else is a programming error worth a loud failure.
  if (!CANONICAL.test(value)) throw new NormalizeError(`${quoteInput(value)} is not a canonical decimal (use parseDecimal first)`);
  return value;
}
