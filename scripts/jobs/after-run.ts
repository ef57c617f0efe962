import { insertAlerts } from '../../store/alerts.ts';
import type { Store } from '../../store/connection.ts';
import { getRun } from '../../store/crawl-runs.ts';
import { diffRuns } from '../../store/diff/diff-runs.ts';
import { refreshDiffStatistics } from '../../store/diff/refresh-statistics.ts';
import type { DiffThresholds, RunDiff } from '../../store/diff/run-diff.ts';
import type { AlertSink } from '../alerts/alert-sink.ts';
import { alertsFromDiff } from '../alerts/alerts-from-diff.ts';
import { deliverAlerts } from '../alerts/deliver-alerts.ts';
import { diffSummaryLine } from '../format/diff-text.ts';
import { scoreRun, type ScoreRunResult } from './score-run.ts';

export interface AfterRunOptions {
  /** Where alerts go; none by default (they wait in the store for a pass that has sinks). */
  sinks?: AlertSink[];
  thresholds?: Partial<DiffThresholds>;
  /** Progress and delivery failures, one line each; default nowhere. */
  log?: (line: string) => void;
}

export interface AfterRunReport {
  /** Null when the run failed or the source has no earlier complete run to compare with. */
  diff: RunDiff | null;
  /** Operators the run saw, rescored; `alerts` counts their `new_domestic_facing_operator` alerts. */
  scores: ScoreRunResult;
  /** Alerts stored by this call (not counting ones raised before). */
  alertsRaised: number;
  alertsDelivered: number;
}

/**
 * What happens after a crawl of a source: refresh the planner statistics
 * the diff relies on, diff the run against the source's latest complete
 * run before it (`diffRuns`), raise the alerts the diff implies
 * (deduplicated, so calling this twice for one run raises nothing new),
 * rescore the operators the run saw (`scoreRun`), then deliver every due
 * alert to the sinks. A sink that is down is recorded and retried by a
 * later call; it never throws here.
 *
 * @example
 * const result = await runCrawlJob(store, services, 'demo-api');
 * const report = await afterRun(store, result, { sinks: configuredSinks(process.env), log: console.log });
 * // report.alertsRaised === 2, report.diff?.operators.appeared.length === 3
 */
export async function afterRun(store: Store, run: { sourceId: string; runId: number }, options: AfterRunOptions = {}): Promise<AfterRunReport> {
  const log = options.log ?? (() => {});
  const row = await getRun(store.db, run.runId);
  const diffable = row?.status === 'complete' || row?.status === 'partial';
  if (diffable) await refreshDiffStatistics(store.db);
  const diff = diffable ? await diffRuns(store.db, { sourceId: run.sourceId, toRunId: run.runId, thresholds: options.thresholds }) : null;
  if (diff) log(diffSummaryLine(diff));

  const diffAlerts = diff ? await insertAlerts(store.db, alertsFromDiff(diff)) : 0;
  const scores = await scoreRun(store, run);
  log(`scored ${scores.scored} operators: ${scores.domesticFacing} domestic-facing, ${scores.alerts} newly`);
  const alertsRaised = diffAlerts + scores.alerts;

  const delivery = await deliverAlerts(store.db, options.sinks ?? [], { log });
  return { diff, scores, alertsRaised, alertsDelivered: delivery.delivered };
}
