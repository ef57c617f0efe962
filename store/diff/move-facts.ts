import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { LISTING_REF } from './fact-columns.ts';
import type { MoveFact } from './run-diff.ts';

/**
 * Listings in both runs whose `price` or `available` moved by at least
 * `threshold` relative to the from-run (`|new − old| ≥ threshold · |old|`,
 * and new ≠ old, so a threshold of 0 reports every change), largest first.
 * A listing with no available amount in either run has no volume move.
 *
 * @example
 * const moves = await movesOver(db, { fromRunId: 3, toRunId: 4, column: 'price', threshold: 0.01 });
 * // [{ listingKey: 'ad000017', operatorName: '金沙承兑', old: '7.25', new: '7.34', change: '0.012414', … }]
 */
export async function movesOver(db: Kysely<Database>, request: MoveRequest): Promise<MoveFact[]> {
  if (!(Number.isFinite(request.threshold) && request.threshold >= 0)) {
    throw new RangeError(`the ${request.column} threshold must be a number ≥ 0, got ${request.threshold}`);
  }
  const before = sql.ref(`f.${request.column}`);
  const after = sql.ref(`o.${request.column}`);
  const change = sql`round((${after} - ${before}) / nullif(${before}, 0), 6)`;
  const { rows } = await sql<MoveFact>`
    select ${LISTING_REF}, ${before}::text as old, ${after}::text as new, ${change}::text as change
      from listing_observations f
      join listing_observations o on o.run_id = ${request.toRunId} and o.listing_id = f.listing_id
      join listings l on l.id = f.listing_id
     where f.run_id = ${request.fromRunId}
       and ${after} <> ${before}
       and abs(${after} - ${before}) >= ${String(request.threshold)}::numeric * abs(${before})
     order by abs(${change}) desc nulls first, o.operator_name, l.platform_key`.execute(db);
  return rows;
}

export interface MoveRequest {
  fromRunId: number;
  toRunId: number;
  column: 'price' | 'available';
  /** Relative move, e.g. 0.01 for 1 %. */
  threshold: number;
}
