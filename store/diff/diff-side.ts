import { sql, type RawBuilder } from 'kysely';

/**
 * One run of the compared pair, as a fact about "what run A has and run B
 * has not" sees it: its id, the other run's, and which of the
 * `listing_changes` columns (`from_…` or `to_…`) hold its observation.
 * Every fact is written once for a side; the diff asks it of both.
 *
 * @example
 * const { from, to } = diffSides(3, 4);
 * sql`select ${sideColumn(to, 'operator_name')} from listing_changes c where ${sideColumn(from, 'operator_id')} is null`;
 */
export interface DiffSide {
  runId: number;
  otherRunId: number;
  prefix: 'from' | 'to';
  other: 'from' | 'to';
}

export function diffSides(fromRunId: number, toRunId: number): { from: DiffSide; to: DiffSide } {
  return {
    from: { runId: fromRunId, otherRunId: toRunId, prefix: 'from', other: 'to' },
    to: { runId: toRunId, otherRunId: fromRunId, prefix: 'to', other: 'from' },
  };
}

/** The `listing_changes` column (alias `c`) of this side's observation, e.g. `c.to_price`. */
export function sideColumn(side: DiffSide, column: ObservedColumn): RawBuilder<unknown> {
  return sql.ref(`c.${side.prefix}_${column}`);
}

/** The same column of the other run's observation. */
export function otherColumn(side: DiffSide, column: ObservedColumn): RawBuilder<unknown> {
  return sql.ref(`c.${side.other}_${column}`);
}

/** The observation columns `listing_changes` keeps of each run (null where the run did not see the listing). */
export type ObservedColumn = 'operator_id' | 'operator_name' | 'price' | 'available' | 'methods';
