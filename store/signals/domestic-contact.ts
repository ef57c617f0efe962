import { sql } from 'kysely';
import { CONTACT_PATTERNS } from './contact-patterns.ts';
import { operatorTexts, recentIds, type SignalDefinition } from './signal-query.ts';

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
    with texts as (${operatorTexts(scope)}
    ), distinct_texts as (
      select distinct operator_id, field, text from texts
    ), found as (
      select d.operator_id, d.field, d.text, p.kind, m[1] as matched, m[2] as handle
        from distinct_texts d
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
      select mt.operator_id, mt.kind, coalesce(mt.handle, lower(mt.matched)) as value,
             jsonb_build_object('kind', mt.kind, 'handle', min(mt.handle), 'matched', min(mt.matched),
                                'fields', jsonb_agg(distinct mt.field order by mt.field), 'text', min(mt.text),
                                'listingIds', jsonb_agg(distinct t.listing_id order by t.listing_id),
                                'runIds', ${recentIds('t.run_id')},
                                'observationIds', ${recentIds('t.observation_id')}) as contact
        from matches mt
        join texts t on t.operator_id = mt.operator_id and t.field = mt.field and t.text = mt.text
       group by mt.operator_id, mt.kind, coalesce(mt.handle, lower(mt.matched))
    )
    select operator_id,
           case when bool_or(kind <> 'invitation') then 1 else 0.5 end as strength,
           jsonb_build_object('contacts', jsonb_agg(contact order by kind = 'invitation', kind, value)) as evidence
      from per_contact group by operator_id`,
};
