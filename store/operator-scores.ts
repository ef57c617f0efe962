import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { foldClosedRuns } from './signals/fold-runs.ts';
import { SIGNALS } from './signals/index.ts';
import { inScope, upsertSignal, type ScoringScope } from './signals/signal-query.ts';
import { DOMESTIC_FACING_THRESHOLD } from './signals/signal-weights.ts';

/** An operator's score after a scoring pass. */
export interface OperatorScore {
  operatorId: number;
  name: string;
  /** Sum of signal points, 0–100. */
  score: number;
  domesticFacing: boolean;
  /** Points per signal that scored, e.g. `{ domestic_payment_rails: 25, cny_listings: 20 }`. */
  points: Record<string, number>;
}

/**
 * Scores operators: first every closed run not yet folded into the
 * per-operator aggregates is folded (`foldClosedRuns`: usually only the run
 * just crawled), then every signal of `store/signals/` is computed in SQL
 * from those aggregates — all that otcwatch observed of the operators,
 * read in proportion to the operators, not to their history — and stored
 * with its evidence in `operator_signals`, then the points are summed into
 * `operator_scores`. One transaction, one scoring transaction at a time on
 * the database; scoring the same operators again replaces their rows with
 * the same.
 *
 * @example
 * const scores = await scoreOperators(db, { operatorIds: await operatorIdsOfRun(db, 7), runId: 7 });
 * scores.filter((s) => s.domesticFacing).length;
 */
export async function scoreOperators(db: Kysely<Database>, scope: ScoringScope): Promise<OperatorScore[]> {
  if (scope.operatorIds.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    // Sources of one platform share operators: two processes scoring them at once would upsert the same rows in
    // orders of their own and deadlock. Scoring passes take turns (the lock ends with the transaction).
    await sql`select pg_advisory_xact_lock(hashtext('otcwatch:scoring'))`.execute(trx);
    await foldClosedRuns(trx);
    for (const signal of SIGNALS) await upsertSignal(trx, signal, scope);
    const rows = await sql<{ operator_id: number; name: string; score: string; domestic_facing: boolean; points: Record<string, string> | null }>`
      with totals as (
        select operator_id, sum(points) as score, jsonb_object_agg(signal, points) filter (where points > 0) as points
          from operator_signals
         where ${inScope('operator_id', scope)}
         group by operator_id
      ), saved as (
        insert into operator_scores (operator_id, score, domestic_facing, run_id, computed_at)
        select operator_id, score, score >= ${DOMESTIC_FACING_THRESHOLD}::numeric, ${scope.runId}::int, now() from totals
        on conflict (operator_id) do update
           set score = excluded.score, domestic_facing = excluded.domestic_facing,
               run_id = excluded.run_id, computed_at = excluded.computed_at
        returning operator_id, score, domestic_facing
      )
      select s.operator_id, op.name, s.score, s.domestic_facing, t.points
        from saved s join totals t using (operator_id) join operators op on op.id = s.operator_id
       order by s.score desc, s.operator_id`.execute(trx);
    return rows.rows.map((r) => ({
      operatorId: r.operator_id,
      name: r.name,
      score: Number(r.score),
      domesticFacing: r.domestic_facing,
      points: Object.fromEntries(Object.entries(r.points ?? {}).map(([signal, points]) => [signal, Number(points)])),
    }));
  });
}

/**
 * The operators a run observed: the ones to rescore after it.
 *
 * @example
 * await operatorIdsOfRun(db, 7); // [1, 2, 5, …]
 */
export async function operatorIdsOfRun(db: Kysely<Database>, runId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('listing_observations')
    .where('run_id', '=', runId)
    .select('operator_id')
    .distinct()
    .orderBy('operator_id')
    .execute();
  return rows.map((r) => r.operator_id);
}
