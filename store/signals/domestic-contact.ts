import { sql } from 'kysely';
import { CONTACT_PATTERNS } from './contact-patterns.ts';
import { inScope, recentOf, setOf, type SignalDefinition } from './signal-query.ts';

/**
 * `domestic_contact`: contact handles for mainland apps in an operator's
 * names or terms (ever observed) — a contact channel, not a payment
 * method. Strength 1 for a WeChat id, QQ number or mainland mobile; 0.5
 * when there is only an invitation ("加微信", "VX") without a handle (an
 * invitation in a text that has a handle is not listed again).
 * Evidence, per contact: kind, the handle in full (masked only when
 * shown), the matched text, where it was, and the listings, runs and
 * observations that carried it.
 *
 * @example
 * // {"contacts":[{"kind":"mobile","handle":"13812345678","matched":"13812345678","fields":["terms"],
 * //   "text":"大额可议价 电话 13812345678","listingIds":[7],"runIds":[2,1],"observationIds":[…]}]}
 */
export const domesticContact: SignalDefinition = {
  code: 'domestic_contact',
  rows: (scope) => sql`
    with texts as (
      select * from operator_text_sightings where ${inScope('operator_id', scope)}
    ), found as (
      select d.*, p.kind, m[1] as matched, m[2] as handle
        from texts d
        cross join (values ('wechat', ${CONTACT_PATTERNS.wechat}::text), ('qq', ${CONTACT_PATTERNS.qq}::text),
                           ('mobile', ${CONTACT_PATTERNS.mobile}::text), ('invitation', ${CONTACT_PATTERNS.invitation}::text))
             as p(kind, pattern)
        cross join lateral regexp_matches(d.text, '(' || p.pattern || ')', 'gi') as m
    ), matches as (
      -- An invitation next to a handle in the same text adds nothing.
      select * from (
        select f.*, bool_or(f.kind <> 'invitation') over (partition by f.operator_id, f.field, f.text) as text_has_handle
          from found f
      ) as marked
       where kind <> 'invitation' or not text_has_handle
    ), per_contact as (
      select operator_id, kind, coalesce(handle, lower(matched)) as value,
             jsonb_build_object('kind', kind, 'handle', min(handle), 'matched', min(matched),
                                'fields', jsonb_agg(distinct field order by field), 'text', min(text),
                                'listingIds', to_jsonb(${setOf(sql`array_cat_agg(listing_ids)`)}),
                                'runIds', to_jsonb(${recentOf(sql`array_cat_agg(run_ids)`)}),
                                'observationIds', to_jsonb(${recentOf(sql`array_cat_agg(observation_ids)`)})) as contact
        from matches
       group by operator_id, kind, coalesce(handle, lower(matched))
    )
    select operator_id,
           case when bool_or(kind <> 'invitation') then 1 else 0.5 end as strength,
           jsonb_build_object('contacts', jsonb_agg(contact order by kind = 'invitation', kind, value)) as evidence
      from per_contact group by operator_id`,
};
