import type { RawListing } from '../normalize/listing.ts';
import { RowParseError, quoteInput } from '../normalize/normalize-error.ts';

/**
 * Reads a value at a dotted key path inside a JSON row; a missing step
 * gives `undefined`, never a TypeError, so the normalizer can name the
 * field that is missing.
 *
 * @example
 * fieldAt({ adv: { price: '7.26' } }, 'adv.price'); // "7.26"
 * fieldAt({ adv: null }, 'adv.price'); // undefined
 */
export function fieldAt(row: unknown, path: string): unknown {
  let value: unknown = row;
  for (const key of path.split('.')) {
    value = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

/**
 * Reads the plain fields of a row by their paths. The same path table is
 * passed to `parseRows` as `fieldPaths`, so a failure names the platform's
 * field (`adv.price`). Values stay as found: `normalizeListing` validates
 * every one, which is why the loose result type is safe.
 *
 * @example
 * rawFields(row, { price: 'adv.price', asset: 'adv.asset' }); // { price: "7.26", asset: "USDT" }
 */
export function rawFields<K extends keyof RawListing>(row: unknown, paths: Readonly<Record<K, string>>): Pick<RawListing, K> {
  const entries = (Object.entries(paths) as [K, string][]).map(([field, path]) => [field, fieldAt(row, path)]);
  return Object.fromEntries(entries) as Pick<RawListing, K>;
}

/**
 * Reads a list at `path`: absent or null is an empty list; anything else
 * that is not a list fails the row naming the field.
 *
 * @example
 * listAt(row, 'adv.tradeMethods').map((method) => fieldAt(method, 'identifier'));
 */
export function listAt(row: unknown, path: string): unknown[] {
  const value = fieldAt(row, path);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RowParseError(path, `${quoteInput(value)} is not a list`);
  return value;
}
