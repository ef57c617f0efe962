import type { NewAlert } from '../../store/alerts.ts';

/**
 * The one alert sinks receive for a source's first run, instead of one
 * `new_domestic_facing_operator` per operator: with nothing to compare
 * against yet, every domestic-facing seller is "new", and thousands of
 * alerts would bury the ones that matter later. The per-operator alerts
 * are stored flagged `baseline` (`otcwatch alerts --baseline`).
 *
 * @example
 * baselineDigest({ sourceId: 'binance', runId: 1 }, { scored: 5000, domesticFacing: 4870, alerts: 4870 }).subject;
 * // "baseline: 5,000 operators, 4,870 domestic-facing — otcwatch operators --domestic --source binance"
 */
export function baselineDigest(run: { sourceId: string; runId: number }, scores: { scored: number; domesticFacing: number; alerts: number }): NewAlert {
  const n = (value: number) => value.toLocaleString('en');
  return {
    kind: 'baseline_digest',
    sourceId: run.sourceId,
    runId: run.runId,
    subject: `baseline: ${n(scores.scored)} operators, ${n(scores.domesticFacing)} domestic-facing — otcwatch operators --domestic --source ${run.sourceId}`,
    payload: { operators: scores.scored, domesticFacing: scores.domesticFacing, baselineAlerts: scores.alerts },
    dedupKey: `baseline_digest:${run.sourceId}:run:${run.runId}`,
  };
}
