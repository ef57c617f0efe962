import { sql } from 'kysely';
import { inScope, type SignalDefinition } from './signal-query.ts';

/** One Han character: CJK Unified Ideographs, Extension A and the compatibility block. */
export const HAN_CHARACTER = '[㐀-䶿一-鿿豈-﫿]';

/**
 * `han_script`: 1 when an operator's name or any of its listings' terms
 * (ever observed) contains Han characters. Evidence, per distinct text:
 * where it was (`name` / `terms`), the text, its first run of Han
 * characters, the listings that carried it, and the run and observation
 * that first showed it.
 *
 * @example
 * // {"texts":[{"field":"name","text":"金沙承兑","matched":"金沙承兑","listingIds":[4,5],"runIds":[1],"observationIds":[12]}]}
 */
export const hanScript: SignalDefinition = {
  code: 'han_script',
  reads: 'text',
  rows: (scope) => sql`
    select operator_id, 1 as strength,
           jsonb_build_object('texts', jsonb_agg(jsonb_build_object('field', field, 'text', text,
                                                                    'matched', han,
                                                                    'listingIds', to_jsonb(listing_ids), 'runIds', jsonb_build_array(first_run_id),
                                                                    'observationIds', jsonb_build_array(first_observation_id)) order by field, text)) as evidence
      from operator_text_sightings
     where ${inScope('operator_id', scope)} and han is not null
     group by operator_id`,
};
