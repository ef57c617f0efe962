import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { LISTING_REF } from './fact-columns.ts';
import type { ListingFact, OperatorFact } from './run-diff.ts';

/**
 * Listings observed in run `inRun` and not in run `notInRun` (the set
 * difference on listing ids, as an anti-join), as they were in `inRun`.
 * With (to, from) these are the listings that appeared; with (from, to)
 * the ones that vanished.
 *
 * @example
 * const appeared = await listingsOnlyIn(db, toRunId, fromRunId);
 */
export async function listingsOnlyIn(db: Kysely<Database>, inRun: number, notInRun: number): Promise<ListingFact[]> {
  const { rows } = await sql<ListingFact>`
    select ${LISTING_REF}, o.price::text as price, o.available::text as available,
           array(select p.method_key from listing_payment_methods p
                  where p.run_id = o.run_id and p.listing_id = o.listing_id and p.stance = 'accepted' order by 1) as methods
      from listing_observations o
      join listings l on l.id = o.listing_id
     where o.run_id = ${inRun}
       and not exists (select 1 from listing_observations b where b.run_id = ${notInRun} and b.listing_id = o.listing_id)
     order by o.operator_name, l.platform_key`.execute(db);
  return rows;
}

/**
 * Operators with a listing in run `inRun` and none in run `notInRun`, with
 * their name and listing count in `inRun`.
 *
 * @example
 * const vanished = await operatorsOnlyIn(db, fromRunId, toRunId);
 */
export async function operatorsOnlyIn(db: Kysely<Database>, inRun: number, notInRun: number): Promise<OperatorFact[]> {
  const { rows } = await sql<OperatorFact>`
    select o.operator_id as "operatorId", op.platform_key as "operatorKey", min(o.operator_name) as "operatorName",
           count(*)::int as listings
      from listing_observations o
      join operators op on op.id = o.operator_id
     where o.run_id = ${inRun}
       and not exists (select 1 from listing_observations b where b.run_id = ${notInRun} and b.operator_id = o.operator_id)
     group by o.operator_id, op.platform_key
     order by 3, 2`.execute(db);
  return rows;
}
