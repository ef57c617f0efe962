import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.ts';
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
 * strength 0 and empty evidence.
 *
 * @example
 * const hanScript: SignalDefinition = {
 *   code: 'han_script',
 *   rows: (scope) => sql`select operator_id, 1 as strength, '{}'::jsonb as evidence
 *                          from operator_text_sightings where ${inScope('operator_id', scope)} and text ~ '[一-鿿]'`,
 * };
 */
export interface SignalDefinition {
  code: SignalCode;
  rows(scope: ScoringScope): RawBuilder<unknown>;
}

/**
 * Replaces the scope's rows of one signal in `operator_signals`, with the
 * signal's current weight and points = weight × strength.
 *
 * @example
 * await upsertSignal(trx, cnyListings, { operatorIds: [1, 2], runId: 7 });
 */
export async function upsertSignal(db: Kysely<Database>, signal: SignalDefinition, scope: ScoringScope): Promise<void> {
  const weight = SIGNAL_WEIGHTS[signal.code];
  await sql`
    with found as (${signal.rows(scope)}),
    scored as (
      select ids.operator_id, coalesce(round(found.strength::numeric, 3), 0) as strength,
             coalesce(found.evidence, '{}'::jsonb) as evidence
        from unnest(${scopeIds(scope)}) as ids(operator_id)
        left join found on found.operator_id = ids.operator_id
    )
    insert into operator_signals (operator_id, signal, weight, strength, points, evidence, run_id, computed_at)
    select operator_id, ${signal.code}, ${weight}::numeric, strength, round(${weight}::numeric * strength, 2),
           evidence, ${scope.runId}::int, now()
      from scored
    on conflict (operator_id, signal) do update
       set weight = excluded.weight, strength = excluded.strength, points = excluded.points,
           evidence = excluded.evidence, run_id = excluded.run_id, computed_at = excluded.computed_at`.execute(db);
}

/** SQL: the scope's operator ids as an `int[]`. */
function scopeIds(scope: ScoringScope): RawBuilder<number[]> {
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
export function inScope(column: string, scope: ScoringScope): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} in (select unnest(${scopeIds(scope)}))`;
}

/** How many runs and observations evidence names: the most recent, so it does not grow with an operator's history. */
const RECENT = 10;

/**
 * SQL aggregate: the 10 largest (most recent) distinct values of an id
 * column, newest first, as an array.
 *
 * @example
 * sql`select ${recentIds('run_id')} as run_ids from listing_observations group by operator_id`
 */
export function recentIds(column: string): RawBuilder<number[]> {
  const ref = sql.ref(column);
  return sql<number[]>`(array_agg(distinct ${ref} order by ${ref} desc))[1:${sql.lit(RECENT)}]`;
}

/**
 * SQL: the 10 largest distinct ids of an array expression, newest first —
 * how two lists of recent ids merge (`a || b`), or many (`array_cat_agg`);
 * `{}` when there are none.
 *
 * @example
 * sql`update operator_text_sightings set run_ids = ${recentOf(sql`run_ids || array[9]`)}`
 */
export function recentOf(ids: RawBuilder<unknown>): RawBuilder<number[]> {
  return sql<number[]>`coalesce((select array_agg(id order by id desc) from (select distinct id from unnest(${ids}) as u(id) order by id desc limit ${sql.lit(RECENT)}) as r), '{}')`;
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
