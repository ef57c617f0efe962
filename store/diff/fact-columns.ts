import { sql } from 'kysely';

/**
 * Select lists shared by the diff queries, so every fact names its listing
 * and method the same way. They expect the query to alias the observation
 * `o`, the listing `l`, the row carrying `method_key` `x`, and to
 * `left join payment_methods pm on pm.code = x.method_key`.
 *
 * @example
 * sql`select ${LISTING_REF} from listing_observations o join listings l on l.id = o.listing_id where o.run_id = ${runId}`
 */
export const LISTING_REF = sql`o.listing_id as "listingId", l.platform_key as "listingKey", o.operator_id as "operatorId",
  o.operator_name as "operatorName", l.side, l.asset, l.fiat`;

/** A method by its key: canonical code and catalog name, or the raw text of an `unknown:` key. */
export const METHOD_REF = sql`x.method_key as method, pm.code as "methodCode",
  coalesce(pm.name, regexp_replace(x.method_key, '^unknown:', '')) as "methodName", coalesce(pm.is_domestic, false) as domestic`;
