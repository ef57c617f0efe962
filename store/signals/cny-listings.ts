import { sql } from 'kysely';
import { inScope, recentIds, type SignalDefinition } from './signal-query.ts';

/**
 * `cny_listings`: the share of an operator's listings (ever observed) that
 * quote CNY. Evidence: the counts, the CNY listing ids, and the runs and
 * observations that saw them.
 *
 * @example
 * // 2 of 3 listings in CNY → strength 0.667, evidence
 * // {"cnyListings":2,"listings":3,"listingIds":[4,9],"runIds":[3,2,1],"observationIds":[…]}
 */
export const cnyListings: SignalDefinition = {
  code: 'cny_listings',
  rows: (scope) => sql`
    with seen as (
      select o.operator_id, o.listing_id, o.run_id, o.id as observation_id, l.fiat
        from listing_observations o
        join listings l on l.id = o.listing_id
       where ${inScope('o.operator_id', scope)}
    ), cny as (
      select operator_id,
             jsonb_agg(distinct listing_id order by listing_id) as listing_ids,
             ${recentIds('run_id')} as run_ids,
             ${recentIds('observation_id')} as observation_ids
        from seen where fiat = 'CNY'
       group by operator_id
    ), totals as (
      select operator_id, count(distinct listing_id) as listings,
             count(distinct listing_id) filter (where fiat = 'CNY') as cny_listings
        from seen group by operator_id
    )
    select t.operator_id, t.cny_listings::numeric / t.listings as strength,
           jsonb_build_object('cnyListings', t.cny_listings, 'listings', t.listings,
                              'listingIds', coalesce(c.listing_ids, '[]'::jsonb),
                              'runIds', coalesce(c.run_ids, '[]'::jsonb),
                              'observationIds', coalesce(c.observation_ids, '[]'::jsonb)) as evidence
      from totals t left join cny c on c.operator_id = t.operator_id`,
};
