import { sql, type RawBuilder } from 'kysely';
import { otherColumn, sideColumn, type DiffSide } from './diff-side.ts';
import { listingRef } from './fact-columns.ts';
import { factList } from './fact-list.ts';

/**
 * Whether a value moved by at least `threshold` relative to its old value:
 * `|new − old| ≥ threshold · |old|`, and new ≠ old, so a threshold of 0
 * reports every change. Null (not a move) when either value is null, so a
 * listing with no available amount in either run has no volume move.
 *
 * @example
 * movedBeyond(sql.ref('f.price'), sql.ref('t.price'), 0.01)
 */
export function movedBeyond(before: RawBuilder<unknown>, after: RawBuilder<unknown>, threshold: number): RawBuilder<unknown> {
  return sql`(${after} <> ${before} and abs(${after} - ${before}) >= ${String(threshold)}::numeric * abs(${before}))`;
}

/** Refuses a threshold that is not a number ≥ 0, naming the column it is for. */
export function checkThreshold(column: MovedColumn, threshold: number): void {
  if (!(Number.isFinite(threshold) && threshold >= 0)) {
    throw new RangeError(`the ${column} threshold must be a number ≥ 0, got ${threshold}`);
  }
}

/**
 * The listings of `listing_changes` whose `price` or `available` moved at
 * its threshold (the `…_moved` flag), largest relative move first, each as
 * the to-run observed it, with `old`, `new` and `change` =
 * `(new − old) / old` rounded to 6 places (null when old is 0).
 *
 * @example
 * sql`with … select ${movesOver(sides.to, 'price')} as "priceMoves"`
 * // [{ listingKey: 'ad000017', operatorName: '金沙承兑', old: '7.25', new: '7.34', change: '0.012414', … }]
 */
export function movesOver(to: DiffSide, column: MovedColumn): RawBuilder<unknown> {
  const before = otherColumn(to, column);
  const after = sideColumn(to, column);
  return factList(
    sql`select ${listingRef(to)}, ${before}::text as old, ${after}::text as new, round((${after} - ${before}) / nullif(${before}, 0), 6)::text as change
          from listing_changes c where ${sql.ref(`c.${column}_moved`)}`,
    sql`abs(f.change::numeric) desc nulls first, f."operatorName", f."listingKey"`,
  );
}

export type MovedColumn = 'price' | 'available';
