import { sql, type RawBuilder } from 'kysely';
import { sideColumn, type DiffSide } from './diff-side.ts';

/**
 * Select lists shared by the diff's facts, so every fact names its listing
 * and method the same way.
 *
 * `listingRef(side)` reads a `listing_changes` row aliased `c`, with the
 * listing's operator as that side's run observed it.
 *
 * @example
 * sql`select ${listingRef(to)} from listing_changes c where c.from_operator_id is null`
 */
export function listingRef(side: DiffSide): RawBuilder<unknown> {
  return sql`c.listing_id as "listingId", c.listing_key as "listingKey", ${sideColumn(side, 'operator_id')} as "operatorId",
    ${sideColumn(side, 'operator_name')} as "operatorName", c.side, c.asset, c.fiat`;
}

/**
 * A method by its key: canonical code and catalog name, or the raw text of
 * an `unknown:` key. Expects the row carrying `method_key` aliased `x`, and
 * `left join payment_methods pm on pm.code = x.method_key`.
 */
export const METHOD_REF = sql`x.method_key as method, pm.code as "methodCode",
  coalesce(pm.name, regexp_replace(x.method_key, '^unknown:', '')) as "methodName", coalesce(pm.is_domestic, false) as domestic`;
