import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { LISTING_REF, METHOD_REF } from './fact-columns.ts';
import type { ListingMethodFact, OperatorMethodFact } from './run-diff.ts';

/**
 * Payment methods a listing takes in run `inRun` and did not take in run
 * `otherRun` (accepted ones: a refusal is neither taken nor dropped), for listings observed in both: the set difference on
 * (listing, method), as an anti-join. With (to, from) these are methods
 * added; with (from, to) methods dropped.
 *
 * @example
 * const added = await listingMethodsOnlyIn(db, toRunId, fromRunId);
 * // [{ listingKey: 'ad000017', operatorName: '金沙承兑', method: 'alipay', methodName: 'Alipay', domestic: true, … }]
 */
export async function listingMethodsOnlyIn(db: Kysely<Database>, inRun: number, otherRun: number): Promise<ListingMethodFact[]> {
  const { rows } = await sql<ListingMethodFact>`
    select ${LISTING_REF}, ${METHOD_REF}
      from listing_payment_methods x
      join listing_observations o on o.run_id = x.run_id and o.listing_id = x.listing_id
      join listing_observations b on b.run_id = ${otherRun} and b.listing_id = x.listing_id
      join listings l on l.id = x.listing_id
      left join payment_methods pm on pm.code = x.method_key
     where x.run_id = ${inRun} and x.stance = 'accepted'
       and not exists (select 1 from listing_payment_methods bp
                        where bp.run_id = ${otherRun} and bp.listing_id = x.listing_id and bp.method_key = x.method_key and bp.stance = 'accepted')
     order by o.operator_name, l.platform_key, x.method_key`.execute(db);
  return rows;
}

/**
 * Payment methods an operator takes in run `inRun` and did not take in run
 * `otherRun`, for operators observed in both. An operator's methods in a run
 * are the union over its listings there, so a new listing that takes Alipay
 * counts when none of the operator's listings took it before. Each fact
 * lists the operator's listings in `inRun` that take the method.
 *
 * @example
 * const added = await operatorMethodsOnlyIn(db, toRunId, fromRunId);
 * // [{ operatorName: '金沙承兑', method: 'alipay', domestic: true, listingKeys: ['ad000017', 'ad000018'], … }]
 */
export async function operatorMethodsOnlyIn(db: Kysely<Database>, inRun: number, otherRun: number): Promise<OperatorMethodFact[]> {
  const { rows } = await sql<OperatorMethodFact>`
    select o.operator_id as "operatorId", op.platform_key as "operatorKey", min(o.operator_name) as "operatorName",
           ${METHOD_REF}, array_agg(l.platform_key order by l.platform_key) as "listingKeys"
      from listing_payment_methods x
      join listing_observations o on o.run_id = x.run_id and o.listing_id = x.listing_id
      join listings l on l.id = x.listing_id
      join operators op on op.id = o.operator_id
      left join payment_methods pm on pm.code = x.method_key
     where x.run_id = ${inRun} and x.stance = 'accepted'
       and exists (select 1 from listing_observations b where b.run_id = ${otherRun} and b.operator_id = o.operator_id)
       and not exists (select 1 from listing_payment_methods bp
                         join listing_observations b on b.run_id = bp.run_id and b.listing_id = bp.listing_id
                        where bp.run_id = ${otherRun} and b.operator_id = o.operator_id and bp.method_key = x.method_key and bp.stance = 'accepted')
     group by o.operator_id, op.platform_key, x.method_key, pm.code, pm.name, pm.is_domestic
     order by 3, 2, x.method_key`.execute(db);
  return rows;
}
