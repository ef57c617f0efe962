import { sql, type RawBuilder } from 'kysely';

/**
 * The diff's pass over payment methods, as a CTE `method_changes`: one full
 * outer join of the two runs' accepted (listing, method) rows, keeping the
 * pairs only one run has, with the `run_id` that has them. A refusal is
 * neither taken nor dropped, so only accepted rows take part.
 *
 * Every method fact starts here: a listing's method added or dropped is such
 * a pair, and so is the listing behind every operator's (see
 * `OPERATOR_METHOD_CANDIDATES`).
 *
 * @example
 * sql`with ${methodChanges(3, 4)} select count(*) from method_changes where run_id = 4`
 * // the (listing, method) pairs run 4 took and run 3 did not
 */
export function methodChanges(fromRunId: number, toRunId: number): RawBuilder<unknown> {
  const accepted = (runId: number) =>
    sql`(select run_id, listing_id, method_key from listing_payment_methods where run_id = ${runId} and stance = 'accepted')`;
  return sql`method_changes as materialized (
    select coalesce(f.run_id, t.run_id) as run_id, listing_id, method_key
      from ${accepted(fromRunId)} f
      full join ${accepted(toRunId)} t using (listing_id, method_key)
     where f.run_id is null or t.run_id is null
  )`;
}
