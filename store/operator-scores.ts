import { sql, type Kysely, type Transaction } from 'kysely';
import { catalogVersionChanged, storedSha256 } from './catalog-versions.ts';
import type { Database } from './schema.ts';
import { foldClosedRuns } from './signals/fold-runs.ts';
import { SIGNALS } from './signals/index.ts';
import { inScope, upsertSignal, type ScoringScope } from './signals/signal-query.ts';
import { DOMESTIC_FACING_THRESHOLD, SIGNAL_WEIGHTS } from './signals/signal-weights.ts';

/** An operator's score, with its points per signal. */
export interface OperatorScore {
  operatorId: number;
  name: string;
  /** Sum of signal points, 0–100. */
  score: number;
  domesticFacing: boolean;
  /** Points per signal that scored, e.g. `{ domestic_payment_rails: 25, cny_listings: 20 }`. */
  points: Record<string, number>;
}

/** What a scoring pass did. */
export interface ScoringPass {
  /** The scope's operators, all with a current score. */
  scored: number;
  /** Those of them at or above the threshold. */
  domesticFacingIds: number[];
}

/**
 * Scores operators: first every closed run not yet folded into the
 * per-operator aggregates is folded (`foldClosedRuns`: usually only the run
 * just crawled), then each signal of `store/signals/` is computed in SQL
 * from those aggregates — all that otcwatch observed of the operators,
 * read in proportion to the operators, not to their history — for the
 * operators whose aggregates that signal reads were changed by the fold
 * (so the work follows what the run changed), the operators not scored
 * yet, and, for a signal that reads no aggregate, the whole scope. Only
 * rows that differ are written, to `operator_signals` with their
 * evidence, and the changed operators' points are summed into
 * `operator_scores`. When the signals, weights, threshold or payment-method
 * catalog differ from those of the last pass, every operator of the
 * scope is recomputed. One transaction, one scoring transaction at a time
 * on the database; scoring the same operators again changes nothing.
 *
 * @example
 * const { scored, domesticFacingIds } = await scoreOperators(db, { operatorIds: await operatorIdsOfRun(db, 7), runId: 7 });
 */
export async function scoreOperators(db: Kysely<Database>, scope: ScoringScope): Promise<ScoringPass> {
  if (scope.operatorIds.length === 0) return { scored: 0, domesticFacingIds: [] };
  return db.transaction().execute(async (trx) => {
    // Sources of one platform share operators: two processes scoring them at once would upsert the same rows in
    // orders of their own and deadlock. Scoring passes take turns (the lock ends with the transaction).
    await sql`select pg_advisory_xact_lock(hashtext('otcwatch:scoring'))`.execute(trx);
    const folded = await foldClosedRuns(trx);
    // Operators of other runs the fold met are rescored now: their own pass finds those runs folded.
    const covered = [...new Set([...scope.operatorIds, ...Object.values(folded.changed).flat()])];
    const everyone = await scoringVersionChanged(trx);
    const unscored = everyone ? [] : await unscoredOf(trx, covered);
    const rescored = new Set(unscored);
    for (const signal of SIGNALS) {
      const operatorIds = everyone || !signal.reads ? covered : [...new Set([...folded.changed[signal.reads], ...unscored])];
      for (const id of await upsertSignal(trx, signal, { operatorIds, runId: scope.runId })) rescored.add(id);
    }
    // A new threshold moves scores whose signals did not.
    await saveScores(trx, { operatorIds: everyone ? covered : [...rescored], runId: scope.runId });
    const domestic = await trx
      .selectFrom('operator_scores')
      .select('operator_id')
      .where(inScope('operator_id', scope))
      .where('domestic_facing', '=', true)
      .orderBy('operator_id')
      .execute();
    return { scored: scope.operatorIds.length, domesticFacingIds: domestic.map((r) => r.operator_id) };
  });
}

/** Sums the signals of the operators into `operator_scores`, writing only the scores that moved. */
async function saveScores(trx: Transaction<Database>, scope: ScoringScope): Promise<void> {
  if (scope.operatorIds.length === 0) return;
  await sql`
    insert into operator_scores as t (operator_id, score, domestic_facing, run_id, computed_at)
    select operator_id, sum(points), sum(points) >= ${DOMESTIC_FACING_THRESHOLD}::numeric, ${scope.runId}::int, now()
      from operator_signals
     where ${inScope('operator_id', scope)}
     group by operator_id
    on conflict (operator_id) do update
       set score = excluded.score, domestic_facing = excluded.domestic_facing,
           run_id = excluded.run_id, computed_at = excluded.computed_at
     where (t.score, t.domestic_facing) is distinct from (excluded.score, excluded.domestic_facing)`.execute(trx);
}

/**
 * Whether what scoring computes changed since the last pass — the
 * signals' SQL, the weights, the threshold, the payment-method catalog
 * (which says which methods are domestic) — recording the new version.
 */
async function scoringVersionChanged(trx: Transaction<Database>): Promise<boolean> {
  const probe: ScoringScope = { operatorIds: [], runId: 0 };
  const signals = SIGNALS.map((signal) => [signal.code, signal.reads ?? null, signal.rows(probe).compile(trx).sql]);
  const paymentMethods = await storedSha256(trx, 'payment-methods');
  return catalogVersionChanged(trx, 'scoring', { signals, weights: SIGNAL_WEIGHTS, threshold: DOMESTIC_FACING_THRESHOLD, paymentMethods });
}

/** The operators among `operatorIds` with no score yet. */
async function unscoredOf(trx: Transaction<Database>, operatorIds: number[]): Promise<number[]> {
  const rows = await sql<{ operator_id: number }>`
    select ids.operator_id from unnest(${operatorIds}::int[]) as ids(operator_id)
     where not exists (select 1 from operator_scores s where s.operator_id = ids.operator_id)`.execute(trx);
  return rows.rows.map((r) => r.operator_id);
}

/**
 * The stored scores of some operators, with their names and points per
 * signal (for the alerts a pass raises).
 *
 * @example
 * await operatorScoresOf(db, [4]); // [{ operatorId: 4, name: '金沙承兑', score: 72.5, domesticFacing: true, points: { … } }]
 */
export async function operatorScoresOf(db: Kysely<Database>, operatorIds: number[]): Promise<OperatorScore[]> {
  if (operatorIds.length === 0) return [];
  const rows = await sql<{ operator_id: number; name: string; score: string; domestic_facing: boolean; points: Record<string, string> | null }>`
    select s.operator_id, op.name, s.score, s.domestic_facing,
           (select jsonb_object_agg(g.signal, g.points) from operator_signals g where g.operator_id = s.operator_id and g.points > 0) as points
      from operator_scores s join operators op on op.id = s.operator_id
     where ${inScope('s.operator_id', { operatorIds })}
     order by s.score desc, s.operator_id`.execute(db);
  return rows.rows.map((r) => ({
    operatorId: r.operator_id,
    name: r.name,
    score: Number(r.score),
    domesticFacing: r.domestic_facing,
    points: Object.fromEntries(Object.entries(r.points ?? {}).map(([signal, points]) => [signal, Number(points)])),
  }));
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
