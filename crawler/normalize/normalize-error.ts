import { jsonText } from './json-text.ts';

/**
 * A value the normalizer could not read. The message names the offending
 * input, quoted, so a parse failure in front of an investigator shows what
 * the marketplace actually printed.
 *
 * @example
 * ```ts
 * try {
 *   parseDecimal('N/A');
 * } catch (error) {
 *   if (error instanceof NormalizeError) console.log(error.message); // "N/A" is not a decimal number
 * }
 * ```
 */
export class NormalizeError extends Error {
  override readonly name: string = 'NormalizeError';
}

/**
 * A row field the normalizer could not read: carries the field's path inside
 * the raw row (`adv.price`), which becomes `ParseFailure.fieldPath`, and
 * prefixes the message with it.
 *
 * @example
 * ```ts
 * const error = new RowParseError('adv.price', '"N/A" is not a decimal number');
 * error.message; // adv.price: "N/A" is not a decimal number
 * error.fieldPath; // adv.price
 * ```
 */
export class RowParseError extends NormalizeError {
  override readonly name: string = 'RowParseError';
  readonly fieldPath: string;

  constructor(fieldPath: string, reason: string, options?: ErrorOptions) {
    super(`${fieldPath}: ${reason}`, options);
    this.fieldPath = fieldPath;
  }
}

const MAX_QUOTED = 80;

/**
 * Quotes an input for an error message: strings as JSON strings, other
 * values as JSON, cut to a readable length (a whole HTML cell can end up here).
 *
 * @example
 * ```ts
 * quoteInput('N/A'); // "N/A"
 * quoteInput(null); // null
 * ```
 */
export function quoteInput(value: unknown): string {
  const text = typeof value === 'number' || typeof value === 'bigint' ? String(value) : jsonOrTag(value);
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

function jsonOrTag(value: unknown): string {
  try {
    return jsonText(value);
  } catch {
    // Cyclic or exotic objects (a DOM node passed by mistake) still get named.
    return Object.prototype.toString.call(value);
  }
}
