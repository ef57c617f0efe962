import { sql } from 'kysely';
import { inScope, recentOf, type SignalDefinition } from './signal-query.ts';

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
      select s.operator_id, s.listing_id, s.run_ids, s.observation_ids, l.fiat = 'CNY' as cny
        from operator_listing_sightings s
        join listings l on l.id = s.listing_id
       where ${inScope('s.operator_id', scope)}
    )
    select operator_id, (count(*) filter (where cny))::numeric / count(*) as strength,
           jsonb_build_object('cnyListings', count(*) filter (where cny), 'listings', count(*),
                              'listingIds', coalesce(jsonb_agg(listing_id order by listing_id) filter (where cny), '[]'::jsonb),
                              'runIds', to_jsonb(${recentOf(sql`array_cat_agg(run_ids) filter (where cny)`)}),
                              'observationIds', to_jsonb(${recentOf(sql`array_cat_agg(observation_ids) filter (where cny)`)})) as evidence
      from seen group by operator_id`,
};
