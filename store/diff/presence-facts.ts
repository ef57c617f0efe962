import { sql, type RawBuilder } from 'kysely';
import { otherColumn, sideColumn, type DiffSide } from './diff-side.ts';
import { listingRef } from './fact-columns.ts';
import { factList } from './fact-list.ts';

/**
 * Listings observed in `side`'s run and not in the other run (the set
 * difference on listing ids, read off `listing_changes`), as they were in
 * `side`'s run, with the methods they took there. For the to-side these
 * are the listings that appeared; for the from-side the ones that vanished.
 *
 * @example
 * sql`with … select ${listingsOnlyIn(sides.to)} as "listingsAppeared"`
 * // [{ listingKey: 'ad000031', operatorName: '金沙承兑', price: '7.31', available: '5000', methods: ['alipay', 'cn_bank_card'], … }]
 */
export function listingsOnlyIn(side: DiffSide): RawBuilder<unknown> {
  return factList(
    sql`select ${listingRef(side)}, ${sideColumn(side, 'price')}::text as price, ${sideColumn(side, 'available')}::text as available,
               ${sideColumn(side, 'methods')} as methods
          from listing_changes c where ${otherColumn(side, 'operator_id')} is null`,
    sql`f."operatorName", f."listingKey"`,
  );
}

/**
 * Operators with a listing in `side`'s run and none in the other run, with
 * their name and listing count in `side`'s run. Such an operator's listings
 * all changed operator or presence between the runs, so its candidates are
 * read off `listing_changes`, and each is then counted in both runs.
 *
 * @example
 * sql`with … select ${operatorsOnlyIn(sides.from)} as "operatorsVanished"`
 * // [{ operatorKey: 'id:s0042', operatorName: '老王', listings: 2, … }]
 */
export function operatorsOnlyIn(side: DiffSide): RawBuilder<unknown> {
  return factList(
    sql`select x.operator_id as "operatorId", op.platform_key as "operatorKey", n.name as "operatorName", n.listings
          from (select distinct ${sideColumn(side, 'operator_id')} as operator_id from listing_changes c
                 where ${sideColumn(side, 'operator_id')} is distinct from ${otherColumn(side, 'operator_id')}) x
          join operators op on op.id = x.operator_id
          cross join lateral (
            select min(o.operator_name) filter (where o.run_id = ${side.runId}) as name,
                   (count(*) filter (where o.run_id = ${side.runId}))::int as listings,
                   count(*) filter (where o.run_id = ${side.otherRunId}) as elsewhere
              from listing_observations o where o.run_id in (${side.runId}, ${side.otherRunId}) and o.operator_id = x.operator_id) n
         where n.elsewhere = 0`,
    sql`f."operatorName", f."operatorKey"`,
  );
}
