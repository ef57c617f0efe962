import { sql } from 'kysely';
import { earliestOf, inScope, setOf, type SignalDefinition } from './signal-query.ts';

/**
 * `domestic_contact`: contact handles for mainland apps in an operator's
 * names or terms (ever observed) — a contact channel, not a payment
 * method. Strength 1 for a WeChat id, QQ number or mainland mobile; 0.5
 * when there is only an invitation ("加微信", "VX") without a handle (an
 * invitation in a text that has a handle is not listed again).
 * Evidence, per contact: kind, the handle in full (masked only when
 * shown), the matched text, where it was, the listings that carried it,
 * and the runs and observations that first showed it (the earliest 10).
 *
 * @example
 * // {"contacts":[{"kind":"mobile","handle":"13812345678","matched":"13812345678","fields":["terms"],
 * //   "text":"大额可议价 电话 13812345678","listingIds":[7],"runIds":[1],"observationIds":[…]}]}
 */
export const domesticContact: SignalDefinition = {
  code: 'domestic_contact',
  reads: 'text',
  rows: (scope) => sql`
    with matches as (
      -- Matched once per text (text-matches.ts), an invitation beside a handle already left out.
      select t.operator_id, t.field, t.text, t.listing_ids, t.first_run_id, t.first_observation_id,
             c->>'kind' as kind, c->>'matched' as matched, c->>'handle' as handle
        from operator_text_sightings t
        cross join lateral jsonb_array_elements(t.contacts) as c
       where ${inScope('t.operator_id', scope)} and t.contacts <> '[]'::jsonb
    ), per_contact as (
      select operator_id, kind, coalesce(handle, lower(matched)) as value,
             jsonb_build_object('kind', kind, 'handle', min(handle), 'matched', min(matched),
                                'fields', jsonb_agg(distinct field order by field), 'text', min(text),
                                'listingIds', to_jsonb(${setOf(sql`array_cat_agg(listing_ids)`)}),
                                'runIds', to_jsonb(${earliestOf(sql`array_agg(first_run_id)`)}),
                                'observationIds', to_jsonb(${earliestOf(sql`array_agg(first_observation_id)`)})) as contact
        from matches
       group by operator_id, kind, coalesce(handle, lower(matched))
    )
    select operator_id,
           case when bool_or(kind <> 'invitation') then 1 else 0.5 end as strength,
           jsonb_build_object('contacts', jsonb_agg(contact order by kind = 'invitation', kind, value)) as evidence
      from per_contact group by operator_id`,
};
