import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.ts';
import type { Aggregate } from './fold-runs.ts';
import { SIGNAL_WEIGHTS, type SignalCode } from './signal-weights.ts';

/** The operators one scoring pass covers, and the run that prompted it. */
export interface ScoringScope {
  operatorIds: number[];
  runId: number;
}

/**
 * One signal of the domestic-facing score: a SELECT of
 * `(operator_id, strength, evidence)` over the scope's operators, computed
 * from everything otcwatch has observed of them as the per-operator
 * aggregates hold it (`operator_*_sightings`, see fold-runs.ts), never
 * from the observations themselves. Operators it returns no row for get
 * strength 0 and empty evidence. `reads` names the one aggregate its
 * rows follow from: a pass recomputes it only for operators whose rows
 * of that aggregate the fold changed (and operators not scored yet);
 * without `reads` it is recomputed for every operator of the scope.
 *
 * @example
 * const hanScript: SignalDefinition = {
 *   code: 'han_script',
 *   reads: 'text',
 *   rows: (scope) => sql`select operator_id, 1 as strength, '{}'::jsonb as evidence
 *                          from operator_text_sightings where ${inScope('operator_id', scope)} and text ~ '[一-鿿]'`,
 * };
 */
export interface SignalDefinition {
  code: SignalCode;
  reads?: Aggregate;
  rows(scope: ScoringScope): RawBuilder<unknown>;
}

/**
 * Recomputes the scope's rows of one signal in `operator_signals`, with the
 * signal's current weight and points = weight × strength, writing only
 * the rows that differ from the stored ones (`run_id` and `computed_at`
 * say which pass last changed a row), and answers the operators whose row
 * it wrote: the ones whose score may have moved.
 *
 * @example
 * await upsertSignal(trx, cnyListings, { operatorIds: [1, 2], runId: 7 }); // [2]
 */
export async function upsertSignal(db: Kysely<Database>, signal: SignalDefinition, scope: ScoringScope): Promise<number[]> {
  if (scope.operatorIds.length === 0) return [];
  const weight = SIGNAL_WEIGHTS[signal.code];
  const written = await sql<{ operator_id: number }>`
    with found as (${signal.rows(scope)}),
    scored as (
      select ids.operator_id, coalesce(round(found.strength::numeric, 3), 0) as strength,
             coalesce(found.evidence, '{}'::jsonb) as evidence
        from unnest(${scopeIds(scope)}) as ids(operator_id)
        left join found on found.operator_id = ids.operator_id
    )
    insert into operator_signals as t (operator_id, signal, weight, strength, points, evidence, run_id, computed_at)
    select operator_id, ${signal.code}, ${weight}::numeric, strength, round(${weight}::numeric * strength, 2),
           evidence, ${scope.runId}::int, now()
      from scored
    on conflict (operator_id, signal) do update
       set weight = excluded.weight, strength = excluded.strength, points = excluded.points,
           evidence = excluded.evidence, run_id = excluded.run_id, computed_at = excluded.computed_at
     where (t.weight, t.strength, t.evidence) is distinct from (excluded.weight, excluded.strength, excluded.evidence)
    returning t.operator_id`.execute(db);
  return written.rows.map((r) => r.operator_id);
}

/** SQL: the scope's operator ids as an `int[]`. */
function scopeIds(scope: Pick<ScoringScope, 'operatorIds'>): RawBuilder<number[]> {
  return sql<number[]>`${scope.operatorIds}::int[]`;
}

/**
 * SQL condition: the column holds one of the scope's operator ids. An
 * `in (select unnest(…))` semi-join, not `= any(array)`, which compares
 * every row with every id and turns quadratic on large runs.
 *
 * @example
 * sql`select * from operator_text_sightings t where ${inScope('t.operator_id', scope)}`
 */
export function inScope(column: string, scope: Pick<ScoringScope, 'operatorIds'>): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} in (select unnest(${scopeIds(scope)}))`;
}

/** How many runs and observations a list in evidence names, so it does not grow with an operator's history. */
const LISTED = 10;

/**
 * SQL: the 10 largest distinct ids of an array expression, newest first —
 * how two lists of recent ids merge (`a || b`), or many (`array_cat_agg`);
 * `{}` when there are none.
 *
 * @example
 * sql`update operator_run_sightings set daytime_run_ids = ${recentOf(sql`daytime_run_ids || array[9]`)}`
 */
export function recentOf(ids: RawBuilder<unknown>): RawBuilder<number[]> {
  return idsOf(ids, 'desc');
}

/**
 * SQL: the 10 smallest distinct ids of an array expression, earliest
 * first — the first sightings evidence names, which later runs do not
 * move; `{}` when there are none.
 *
 * @example
 * sql`select ${earliestOf(sql`array_agg(first_observation_id)`)} from operator_listing_sightings group by operator_id`
 */
export function earliestOf(ids: RawBuilder<unknown>): RawBuilder<number[]> {
  return idsOf(ids, 'asc');
}

function idsOf(ids: RawBuilder<unknown>, order: 'asc' | 'desc'): RawBuilder<number[]> {
  const by = sql.raw(order);
  return sql<number[]>`coalesce((select array_agg(id order by id ${by}) from (select distinct id from unnest(${ids}) as u(id) order by id ${by} limit ${sql.lit(LISTED)}) as r), '{}')`;
}

/**
 * SQL: the distinct values of an array expression, in ascending order —
 * how sets stored as arrays (listing ids, spellings) merge.
 *
 * @example
 * sql`select ${setOf(sql`array[3, 1, 3]`)}` // {1,3}
 */
export function setOf(values: RawBuilder<unknown>): RawBuilder<unknown[]> {
  return sql<unknown[]>`coalesce((select array_agg(distinct v order by v) from unnest(${values}) as u(v)), '{}')`;
}
