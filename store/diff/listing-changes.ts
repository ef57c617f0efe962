import { sql, type RawBuilder } from 'kysely';
import { movedBeyond } from './move-facts.ts';
import type { DiffThresholds } from './run-diff.ts';

/**
 * The diff's pass over observations, as a CTE `listing_changes`: one full
 * outer join of the two runs' observations keyed by listing, keeping the
 * listings some fact is about — seen in one run only, under another
 * operator, with a price or volume move at its threshold
 * (`price_moved`, `available_moved`), or with other accepted method keys
 * (read off by `method_changes`) — with both runs' operator, name, price,
 * volume and method keys (`from_…`, `to_…`; null in a run that did not see
 * it) and the listing's key and market. Listings
 * that did not change are dropped in the join, so every fact after it reads
 * a few rows instead of both runs.
 *
 * @example
 * sql`with ${listingChanges(3, 4, DEFAULT_THRESHOLDS)}
 *     select listing_key from listing_changes where from_operator_id is null`
 * // the listings that appeared in run 4
 */
export function listingChanges(fromRunId: number, toRunId: number, thresholds: DiffThresholds): RawBuilder<unknown> {
  const observed = (runId: number) => sql`(select * from listing_observations where run_id = ${runId})`;
  return sql`listing_changes as materialized (
    select j.*, l.platform_key as listing_key, l.side, l.asset, l.fiat
      from (select listing_id,
                   f.operator_id as from_operator_id, f.operator_name as from_operator_name, f.price as from_price, f.available as from_available,
                   t.operator_id as to_operator_id, t.operator_name as to_operator_name, t.price as to_price, t.available as to_available,
                   f.payment_methods as from_methods, t.payment_methods as to_methods,
                   ${movedBeyond(sql.ref('f.price'), sql.ref('t.price'), thresholds.price)} as price_moved,
                   ${movedBeyond(sql.ref('f.available'), sql.ref('t.available'), thresholds.volume)} as available_moved
              from ${observed(fromRunId)} f
              full join ${observed(toRunId)} t using (listing_id)) j
      join listings l on l.id = j.listing_id
     where j.from_operator_id is distinct from j.to_operator_id
        or j.price_moved or j.available_moved
        or j.from_methods is distinct from j.to_methods
  )`;
}
