import { sql } from 'kysely';
import { earliestOf, inScope, type SignalDefinition } from './signal-query.ts';

/**
 * `cny_listings`: the share of an operator's listings (ever observed) that
 * quote CNY. Evidence: the counts, the CNY listing ids, and the runs and
 * observations that first saw them (the earliest 10).
 *
 * @example
 * // 2 of 3 listings in CNY → strength 0.667, evidence
 * // {"cnyListings":2,"listings":3,"listingIds":[4,9],"runIds":[1,2],"observationIds":[…]}
 */
export const cnyListings: SignalDefinition = {
  code: 'cny_listings',
  reads: 'listing',
  rows: (scope) => sql`
    select operator_id, (count(*) filter (where cny))::numeric / count(*) as strength,
           jsonb_build_object('cnyListings', count(*) filter (where cny), 'listings', count(*),
                              'listingIds', coalesce(jsonb_agg(listing_id order by listing_id) filter (where cny), '[]'::jsonb),
                              'runIds', to_jsonb(${earliestOf(sql`array_agg(first_run_id) filter (where cny)`)}),
                              'observationIds', to_jsonb(${earliestOf(sql`array_agg(first_observation_id) filter (where cny)`)})) as evidence
      from operator_listing_sightings
     where ${inScope('operator_id', scope)}
     group by operator_id`,
};
