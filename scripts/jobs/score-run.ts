import { insertAlerts, unraisedDedupKeys, type NewAlert } from '../../store/alerts.ts';
import type { Store } from '../../store/connection.ts';
import { operatorIdsOfRun, operatorScoresOf, scoreOperators, type OperatorScore } from '../../store/operator-scores.ts';
import { DOMESTIC_FACING_THRESHOLD } from '../../store/signals/signal-weights.ts';
import { recordHostLocation, type HostGeoResolver } from './host-geo.ts';

export interface ScoreRunResult {
  /** Operators the run saw, all with a current score. */
  scored: number;
  domesticFacing: number;
  /** `new_domestic_facing_operator` alerts raised (0 for operators alerted before). */
  alerts: number;
}

/**
 * The scoring step after a run: records where the run's host is (DNS and
 * offline GeoIP), rescores every operator the run saw, and raises
 * `new_domestic_facing_operator` for those at or above the threshold —
 * once per operator ever, whatever the source or run (dedup key
 * `new_domestic_facing_operator:operator:<id>`): only operators without
 * that alert are read and offered, so a pass interrupted between its
 * scores and its alerts raises them at the next. With `baseline` (the
 * source's first run) those alerts are stored flagged as baseline.
 *
 * @example
 * const { scored, alerts } = await scoreRun(store, { sourceId: 'demo-api', runId: 7 });
 */
export async function scoreRun(store: Store, run: { sourceId: string; runId: number }, options: { resolver?: HostGeoResolver; baseline?: boolean } = {}): Promise<ScoreRunResult> {
  await recordHostLocation(store.db, run.runId, options.resolver);
  const { scored, domesticFacingIds } = await scoreOperators(store.db, { operatorIds: await operatorIdsOfRun(store.db, run.runId), runId: run.runId });
  const byKey = new Map(domesticFacingIds.map((id) => [domesticFacingKey(id), id]));
  const toRaise = await operatorScoresOf(store.db, (await unraisedDedupKeys(store.db, [...byKey.keys()])).map((key) => byKey.get(key)!));
  const alerts = await insertAlerts(store.db, toRaise.map((s) => ({ ...domesticFacingAlert(s, run), baseline: options.baseline ?? false })));
  return { scored, domesticFacing: domesticFacingIds.length, alerts };
}

function domesticFacingKey(operatorId: number): string {
  return `new_domestic_facing_operator:operator:${operatorId}`;
}

function domesticFacingAlert(score: OperatorScore, run: { sourceId: string; runId: number }): NewAlert {
  return {
    kind: 'new_domestic_facing_operator',
    sourceId: run.sourceId,
    runId: run.runId,
    operatorId: score.operatorId,
    // Stored in full like every seller text; sinks and the CLI mask it on the way out (scripts/output/safe-text.ts).
    subject: `${score.name} looks domestic-facing (score ${score.score} ≥ ${DOMESTIC_FACING_THRESHOLD}); see: otcwatch operators explain ${score.operatorId}`,
    payload: { operatorId: score.operatorId, score: score.score, threshold: DOMESTIC_FACING_THRESHOLD, points: score.points },
    dedupKey: domesticFacingKey(score.operatorId),
  };
}
