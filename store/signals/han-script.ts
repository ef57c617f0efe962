import { sql } from 'kysely';
import { operatorTexts, recentIds, type SignalDefinition } from './signal-query.ts';

/** One Han character: CJK Unified Ideographs, Extension A and the compatibility block. */
const HAN_CHARACTER = '[㐀-䶿一-鿿豈-﫿]';

/**
 * `han_script`: 1 when an operator's name or any of its listings' terms
 * (ever observed) contains Han characters. Evidence, per distinct text:
 * where it was (`name` / `terms`), the text, its first run of Han
 * characters, and the listings, runs and observations that carried it.
 *
 * @example
 * // {"texts":[{"field":"name","text":"金沙承兑","matched":"金沙承兑","listingIds":[4,5],"runIds":[2,1],"observationIds":[…]}]}
 */
export const hanScript: SignalDefinition = {
  code: 'han_script',
  rows: (scope) => sql`
    with texts as (${operatorTexts(scope)}
    ), per_text as (
      select operator_id, field, text,
             jsonb_build_object('field', field, 'text', text,
                                'matched', substring(text from ${`${HAN_CHARACTER}+`}::text),
                                'listingIds', jsonb_agg(distinct listing_id order by listing_id),
                                'runIds', ${recentIds('run_id')},
                                'observationIds', ${recentIds('observation_id')}) as hit
        from texts
       where text ~ ${HAN_CHARACTER}::text
       group by operator_id, field, text
    )
    select operator_id, 1 as strength, jsonb_build_object('texts', jsonb_agg(hit order by field, text)) as evidence
      from per_text group by operator_id`,
};
