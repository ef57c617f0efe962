import * as cheerio from 'cheerio';
import { z } from 'zod';
import { isJsonPath } from './json-path.ts';

/**
 * Small validators the source-file schemas share. Each refuses at load
 * time what would otherwise fail on the first crawl (a bad regex, a CSS
 * selector cheerio cannot read), with a message saying what was expected.
 */

/** The row itself, for fields read off the row element (`data-ad-id`). */
export const SELF = ':self';

const probe = cheerio.load('');

/** A CSS selector cheerio can run. */
export const selectorText = z.string().min(1).refine((text) => isSelector(text), { error: 'expected a CSS selector' });

/** A selector inside a row, or `:self` / empty for the row itself. */
export const rowSelectorText = z.string().refine((text) => rowRelative(text) === null || isSelector(text), { error: 'expected a CSS selector (or ":self" for the row itself)' });

/** A dotted path into JSON: `data.items`, `adv.tradeMethods[0].identifier`. */
export const jsonPathText = z.string().refine(isJsonPath, { error: 'expected a path like data.items or adv.price' });

/** A JavaScript regular expression, as text. */
export const regexText = z.string().min(1).refine(isRegex, { error: 'expected a regular expression' });

/** A constant a field can be set to. */
export const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()], { error: 'expected text, a number, true/false or null' });

/**
 * A refinement: exactly one of `keys` is present (`const: null` counts).
 *
 * @example
 * z.strictObject({ path: z.string().optional(), const: scalar.optional() }).superRefine(exactlyOne(['path', 'const']));
 */
export function exactlyOne(keys: readonly string[]) {
  return (value: object, ctx: z.RefinementCtx): void => {
    const present = keys.filter((key) => key in value);
    if (present.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `expected exactly one of ${keys.join(', ')}${present.length > 1 ? `, got ${present.join(' and ')}` : ''}` });
    }
  };
}

/** Shorthand: a bare text stands for `{ [key]: text }` (`price: td.price` → `{ selector: 'td.price' }`). */
export function shorthand(key: string) {
  return (value: unknown): unknown => (typeof value === 'string' ? { [key]: value } : value);
}

/** A selector to run relative to a row, or null for the row itself. */
export function rowRelative(selector: string): string | null {
  const trimmed = selector.trim();
  return trimmed === '' || trimmed === SELF ? null : trimmed;
}

function isSelector(selector: string): boolean {
  try {
    probe.root().find(selector);
    return true;
  } catch {
    return false;
  }
}

function isRegex(text: string): boolean {
  try {
    new RegExp(text, 'u');
    return true;
  } catch {
    return false;
  }
}
