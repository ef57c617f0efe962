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
 * from everything otcwatch has observed of them. Operators it returns no
 * row for get strength 0 and empty evidence.
 *
 * @example
 * const hanScript: SignalDefinition = {
 *   code: 'han_script',
 *   rows: (scope) => sql`select id as operator_id, 1 as strength, '{}'::jsonb as evidence
 *                          from operators where ${inScope('id', scope)} and name ~ '[一-鿿]'`,
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
 * sql`select * from listing_observations o where ${inScope('o.operator_id', scope)}`
 */
export function inScope(column: string, scope: ScoringScope): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} in (select unnest(${scopeIds(scope)}))`;
}

/**
 * SQL aggregate: the 10 largest (most recent) distinct values of an id
 * column, as a JSON array — how evidence names runs and observations
 * without growing with an operator's history.
 *
 * @example
 * sql`select ${recentIds('run_id')} as "runIds" from listing_observations group by operator_id`
 */
export function recentIds(column: string): RawBuilder<number[]> {
  const ref = sql.ref(column);
  return sql<number[]>`to_jsonb((array_agg(distinct ${ref} order by ${ref} desc))[1:10])`;
}

/**
 * SQL query (for a `with texts as (…)` CTE): every text an operator showed
 * in scope — its name and its listings' terms — with where it was and the
 * observation that carried it. The signals that read text start from here.
 *
 * @example
 * sql`with texts as (${operatorTexts(scope)}) select distinct operator_id, text from texts`
 */
export function operatorTexts(scope: ScoringScope): RawBuilder<unknown> {
  return sql`
      select o.operator_id, 'name' as field, o.operator_name as text, o.listing_id, o.run_id, o.id as observation_id
        from listing_observations o where ${inScope('o.operator_id', scope)}
      union all
      select o.operator_id, 'terms', o.terms, o.listing_id, o.run_id, o.id
        from listing_observations o where ${inScope('o.operator_id', scope)} and o.terms is not null`;
}
