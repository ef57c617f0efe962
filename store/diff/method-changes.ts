import { sql, type RawBuilder } from 'kysely';
import { otherColumn, sideColumn, type DiffSide } from './diff-side.ts';

/**
 * The diff's (listing, method) changes, as a CTE `method_changes` read off
 * `listing_changes` (which keeps every listing whose accepted method keys
 * differ between the runs): each method key one run's observation carries
 * and the other's does not — or that a listing seen in one run only
 * carries — with the `run_id` that has it. The keys are the observation's
 * `payment_methods`, its accepted methods only: a refusal is neither taken
 * nor dropped. No pass over `listing_payment_methods`: that was a third of
 * a 100,000-listing diff.
 *
 * Every method fact starts here: a listing's method added or dropped is such
 * a pair, and so is the listing behind every operator's (see
 * `OPERATOR_METHOD_CANDIDATES`).
 *
 * @example
 * sql`with ${listingChanges(3, 4, DEFAULT_THRESHOLDS)}, ${methodChanges(diffSides(3, 4))} select count(*) from method_changes where run_id = 4`
 * // the (listing, method) pairs run 4 took and run 3 did not
 */
export function methodChanges(sides: { from: DiffSide; to: DiffSide }): RawBuilder<unknown> {
  const onlyIn = (side: DiffSide) => sql`
    select ${side.runId}::int as run_id, c.listing_id, k.method_key
      from listing_changes c cross join lateral unnest(${sideColumn(side, 'methods')}) as k(method_key)
     where not (k.method_key = any(coalesce(${otherColumn(side, 'methods')}, '{}')))`;
  return sql`method_changes as materialized (${onlyIn(sides.from)} union all ${onlyIn(sides.to)})`;
}
