import { sql } from 'kysely';
import type { Store } from '../../store/connection.ts';

/** One stored observation with its listing, operator and payment methods, in comparable form. */
export interface StoredListing {
  listing: string;
  operator: string;
  operatorName: string;
  side: string;
  asset: string;
  fiat: string;
  /** Null when negotiable or unreadable. */
  price: string | null;
  available: string | null;
  minOrder: string | null;
  maxOrder: string | null;
  terms: string | null;
  completionRate: string | null;
  orderCount: number | null;
  monthOrderCount: number | null;
  /** `<code> <raw>` per method, `?` for an unknown one, sorted. */
  methods: string[];
}

/**
 * What a run stored, one entry per listing, sorted by listing key. Sorting
 * happens here, not in SQL, so PGlite and Postgres collations cannot differ.
 *
 * @example
 * t.deepEqual(await storedListings(store, result.runId), expected);
 */
export async function storedListings(store: Store, runId: number): Promise<StoredListing[]> {
  const observations = await store.db
    .selectFrom('listing_observations as o')
    .innerJoin('listings as l', 'l.id', 'o.listing_id')
    .innerJoin('operators as op', 'op.id', 'o.operator_id')
    .where('o.run_id', '=', runId)
    .select([
      'l.platform_key as listing',
      'op.platform_key as operator',
      'o.operator_name as operatorName',
      'l.side',
      'l.asset',
      'l.fiat',
      sql<string | null>`o.price::text`.as('price'),
      sql<string | null>`o.available::text`.as('available'),
      sql<string | null>`o.min_order::text`.as('minOrder'),
      sql<string | null>`o.max_order::text`.as('maxOrder'),
      'o.terms',
      sql<string | null>`o.completion_rate::text`.as('completionRate'),
      'o.order_count as orderCount',
      'o.month_order_count as monthOrderCount',
    ])
    .execute();
  const methods = await store.db
    .selectFrom('listing_payment_methods as pm')
    .innerJoin('listings as l', 'l.id', 'pm.listing_id')
    .where('pm.run_id', '=', runId)
    .select(['l.platform_key as listing', 'pm.method_code', 'pm.raw_text'])
    .execute();
  return observations
    .map((o) => ({
      ...o,
      price: o.price === null ? null : dec(o.price),
      available: o.available === null ? null : dec(o.available),
      minOrder: o.minOrder === null ? null : dec(o.minOrder),
      maxOrder: o.maxOrder === null ? null : dec(o.maxOrder),
      completionRate: o.completionRate === null ? null : dec(o.completionRate),
      methods: methods
        .filter((m) => m.listing === o.listing)
        .map((m) => `${m.method_code ?? '?'} ${m.raw_text}`)
        .sort(),
    }))
    .sort(byListing);
}

/**
 * Operators of a platform as stored: `[key, name]`, sorted by key.
 *
 * @example
 * t.deepEqual(await storedOperators(store, 'binance'), expectedOperators(expected));
 */
export async function storedOperators(store: Store, platform: string): Promise<[string, string][]> {
  const rows = await store.db.selectFrom('operators').where('platform', '=', platform).select(['platform_key', 'name']).execute();
  return rows.map((r): [string, string] => [r.platform_key, r.name]).sort((a, b) => compare(a[0], b[0]));
}

/**
 * The distinct operators behind some expected listings, like `storedOperators`.
 *
 * @example
 * expectedOperators([{ operator: 'id:1', operatorName: 'A', ... }]); // [["id:1", "A"]]
 */
export function expectedOperators(listings: StoredListing[]): [string, string][] {
  const byKey = new Map(listings.map((l) => [l.operator, l.operatorName]));
  return [...byKey.entries()].sort((a, b) => compare(a[0], b[0]));
}

/** Orders listings by key, as `storedListings` returns them. */
export function byListing(a: StoredListing, b: StoredListing): number {
  return compare(a.listing, b.listing);
}

/**
 * A decimal as the store canonicalizes it: no trailing fractional zeros, no dangling point.
 *
 * @example
 * dec('500.00'); // "500"
 * dec(0.987); // "0.987"
 */
export function dec(value: string | number): string {
  const text = String(value);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/**
 * A whole percent as the stored fraction.
 *
 * @example
 * percentAsFraction('98'); // "0.98"
 * percentAsFraction(100); // "1"
 */
export function percentAsFraction(value: string | number): string {
  const digits = String(value);
  if (!/^\d+$/.test(digits)) throw new Error(`percentAsFraction: ${digits} is not a whole percent`);
  const padded = digits.padStart(3, '0');
  return dec(`${Number(padded.slice(0, -2))}.${padded.slice(-2)}`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
