import { sql, type RawBuilder } from 'kysely';

/**
 * One fact list of the diff statement: the rows of `facts` as a JSON array
 * of objects keyed by their column names, in `orderBy` (which names them as
 * `f."column"`); `[]` when there are none. The diff reads all its facts in
 * one statement, so each list is one column of its single row.
 *
 * @example
 * factList(sql`select c.listing_id as "listingId" from listing_changes c`, sql`f."listingId"`)
 */
export function factList(facts: RawBuilder<unknown>, orderBy: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`coalesce((select json_agg(f order by ${orderBy}) from (${facts}) f), '[]')`;
}

/** An empty fact list, for a fact the diff does not report. */
export const NO_FACTS = sql`'[]'::json`;
