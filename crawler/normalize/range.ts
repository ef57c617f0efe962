import { compareDecimal, parseDecimal } from './decimal.ts';
import { NormalizeError, quoteInput } from './normalize-error.ts';

/** An order-size range; a side printed empty (`500 -`) is null. */
export interface DecimalRange {
  min: string | null;
  max: string | null;
}

/** Labels boards print before the range; stripped so the first number is read. */
const LABEL = /^(?:单笔限额|單筆限額|交易限额|交易限額|限额|限額|order\s+limits?|limits?)\s*:?\s*/i;
/** Hyphens and dashes, tildes and wave dashes, 至/到 ("to"), and English "to". */
const SEPARATOR = /\s*(?:[-‐‑‒–—―~〜]|至|到|\bto\b)\s*/i;

/**
 * Reads an order-limit range as printed (`500 - 50,000 CNY`,
 * `限额 ¥500-¥50,000`, `500 至 50000`, `500-50K`); each side is read by
 * `parseDecimal`. Throws when there is not exactly one separator, when both
 * sides are empty, or when min is above max.
 *
 * @example
 * ```ts
 * parseRange('限额 ¥500-¥50,000'); // { min: "500", max: "50000" }
 * parseRange('500 - '); // { min: "500", max: null }
 * parseRange('50,000 - 500'); // throws NormalizeError: min above max
 * ```
 */
export function parseRange(text: string): DecimalRange {
  const fail = (reason: string, cause?: unknown) => new NormalizeError(`${quoteInput(text)} ${reason}`, { cause });
  const sides = text.normalize('NFKC').trim().replace(LABEL, '').split(SEPARATOR);
  if (sides.length !== 2) throw fail('is not a range like "500 - 50,000"');
  const [min, max] = sides.map((side) => {
    if (side.trim() === '') return null;
    try {
      return parseDecimal(side);
    } catch (error) {
      throw fail(`is not a range of amounts: ${(error as Error).message}`, error);
    }
  });
  if (min == null && max == null) throw fail('has neither a minimum nor a maximum');
  if (min != null && max != null && compareDecimal(min, max) > 0) throw fail(`has its minimum ${min} above its maximum ${max}`);
  return { min: min ?? null, max: max ?? null };
}
