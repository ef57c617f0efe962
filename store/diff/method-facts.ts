import { sql, type RawBuilder } from 'kysely';
import { otherColumn, sideColumn, type DiffSide } from './diff-side.ts';
import { listingRef, METHOD_REF } from './fact-columns.ts';
import { factList } from './fact-list.ts';

/**
 * Payment methods a listing takes in `side`'s run and did not take in the
 * other run, for listings observed in both: the `method_changes` pairs of
 * that run, on listings `listing_changes` has in both. For the to-side
 * these are methods added; for the from-side methods dropped.
 *
 * @example
 * sql`with … select ${listingMethodsOnlyIn(sides.to)} as "listingMethodsAdded"`
 * // [{ listingKey: 'ad000017', operatorName: '金沙承兑', method: 'alipay', methodName: 'Alipay', domestic: true, … }]
 */
export function listingMethodsOnlyIn(side: DiffSide): RawBuilder<unknown> {
  return factList(
    sql`select ${listingRef(side)}, ${METHOD_REF}
          from method_changes x
          join listing_changes c using (listing_id)
          left join payment_methods pm on pm.code = x.method_key
         where x.run_id = ${side.runId} and c.from_operator_id is not null and c.to_operator_id is not null`,
    sql`f."operatorName", f."listingKey", f.method`,
  );
}

/**
 * The (run, operator, method) triples that may be an operator's method
 * added or dropped, as a CTE `operator_method_candidates`. If an operator
 * takes a method in one run and not in the other, some listing of it in
 * the first run takes the method, and in the other run that listing
 * either did not take it (a `method_changes` pair) or was not the
 * operator's (absent, or under another operator: all its methods count).
 * So the candidates are those listings' methods, a few per change, not
 * every operator's method set; `operatorMethodsOnlyIn` checks each.
 *
 * @example
 * sql`with ${listingChanges(3, 4, thresholds)}, ${methodChanges(diffSides(3, 4))}, ${operatorMethodCandidates(diffSides(3, 4))} select …`
 */
export function operatorMethodCandidates(sides: { from: DiffSide; to: DiffSide }): RawBuilder<unknown> {
  const candidatesIn = (side: DiffSide) => sql`
    select x.run_id, ${sideColumn(side, 'operator_id')} as operator_id, x.method_key
      from method_changes x join listing_changes c using (listing_id)
     where x.run_id = ${side.runId} and ${sideColumn(side, 'operator_id')} is not null
    union
    select ${side.runId}, ${sideColumn(side, 'operator_id')},
           unnest(${sideColumn(side, 'methods')})
      from listing_changes c
     where ${sideColumn(side, 'operator_id')} is distinct from ${otherColumn(side, 'operator_id')} and ${sideColumn(side, 'operator_id')} is not null`;
  return sql`operator_method_candidates as (${candidatesIn(sides.from)} union ${candidatesIn(sides.to)})`;
}

/**
 * Payment methods an operator takes in `side`'s run and did not take in the
 * other run, for operators observed in both. An operator's methods in a run
 * are the union over its listings there, so a new listing that takes Alipay
 * counts when none of the operator's listings took it before. Each fact
 * lists the operator's listings in `side`'s run that take the method.
 *
 * @example
 * sql`with … select ${operatorMethodsOnlyIn(sides.to)} as "operatorMethodsAdded"`
 * // [{ operatorName: '金沙承兑', method: 'alipay', domestic: true, listingKeys: ['ad000017', 'ad000018'], … }]
 */
export function operatorMethodsOnlyIn(side: DiffSide): RawBuilder<unknown> {
  // The other run is checked per candidate in a lateral join; name and keys are read after, for the facts alone.
  return factList(
    sql`select x.operator_id as "operatorId", op.platform_key as "operatorKey",
               (select min(t.operator_name) from ${takersIn(side.runId)} t) as "operatorName", ${METHOD_REF},
               (select array_agg(l.platform_key order by l.platform_key) from ${takersIn(side.runId)} t join listings l on l.id = t.listing_id) as "listingKeys"
          from operator_method_candidates x
          join operators op on op.id = x.operator_id
          left join payment_methods pm on pm.code = x.method_key
          cross join lateral (
            select count(*) as listings, count(p.listing_id) as takers
              from listing_observations o
              left join listing_payment_methods p
                on p.run_id = o.run_id and p.listing_id = o.listing_id and p.method_key = x.method_key and p.stance = 'accepted'
             where o.run_id = ${side.otherRunId} and o.operator_id = x.operator_id) other
         where x.run_id = ${side.runId} and other.listings > 0 and other.takers = 0`,
    sql`f."operatorName", f."operatorKey", f.method`,
  );
}

/**
 * The candidate operator's (`x.operator_id`) observations in run `runId`
 * whose listing takes the candidate method (`x.method_key`), read by index.
 * The fact names the operator by the least of their names, as a name may
 * differ by listing.
 */
function takersIn(runId: number): RawBuilder<unknown> {
  return sql`(select o.listing_id, o.operator_name
      from listing_observations o
      join listing_payment_methods p on p.run_id = o.run_id and p.listing_id = o.listing_id and p.method_key = x.method_key and p.stance = 'accepted'
     where o.run_id = ${runId} and o.operator_id = x.operator_id)`;
}
