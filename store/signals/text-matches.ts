import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { CONTACT_PATTERNS } from './contact-patterns.ts';
import { HAN_CHARACTER } from './han-script.ts';

/**
 * Reads every text of `operator_text_sightings` not read yet (`contacts`
 * null: new since the last pass, or stored before migration 0015) with the
 * contact patterns and the Han pattern, once: a text never changes in its
 * row, so `domestic_contact` and `han_script` read the stored matches
 * instead of running the regular expressions over an operator's every
 * text at each scoring. An invitation ("加微信") in a text that also has a
 * handle adds nothing and is not kept. Moving a pattern takes a migration
 * that sets `contacts` back to null. Answers the operators whose texts it
 * read, whose text signals are then recomputed.
 *
 * @example
 * await matchNewTexts(trx); // [2, 9]: after the runs are folded, before the signals read
 */
export async function matchNewTexts(db: Kysely<Database>): Promise<number[]> {
  const updated = await sql<{ operator_id: number }>`
    with updated as (
      update operator_text_sightings t
         set han = substring(t.text from ${`${HAN_CHARACTER}+`}::text),
             contacts = (
               select coalesce(jsonb_agg(jsonb_build_object('kind', kind, 'matched', matched, 'handle', handle) order by kind, matched), '[]'::jsonb)
                 from (select p.kind, m[1] as matched, m[2] as handle, bool_or(p.kind <> 'invitation') over () as text_has_handle
                         from (values ('wechat', ${CONTACT_PATTERNS.wechat}::text), ('qq', ${CONTACT_PATTERNS.qq}::text),
                                      ('mobile', ${CONTACT_PATTERNS.mobile}::text), ('invitation', ${CONTACT_PATTERNS.invitation}::text))
                              as p(kind, pattern)
                        cross join lateral regexp_matches(t.text, '(' || p.pattern || ')', 'gi') as m) as found
                where kind <> 'invitation' or not text_has_handle)
       where t.contacts is null
      returning t.operator_id)
    select distinct operator_id from updated`.execute(db);
  return updated.rows.map((r) => r.operator_id);
}
