import { insertAlerts } from '../../store/alerts.ts';
import { withSourceAnalysisLock } from '../../store/analysis-lock.ts';
import type { Store } from '../../store/connection.ts';
import { markAnalysed, sourcesWithUnanalysedRuns, unanalysedRuns, type CrawlRunRow } from '../../store/crawl-runs.ts';
import { diffRuns } from '../../store/diff/diff-runs.ts';
import { refreshDiffStatistics } from '../../store/diff/refresh-statistics.ts';
import { recordRunFacts } from '../../store/run-facts.ts';
import type { DiffThresholds, RunDiff } from '../../store/diff/run-diff.ts';
import type { AlertSink } from '../alerts/alert-sink.ts';
import { alertsFromDiff } from '../alerts/alerts-from-diff.ts';
import { baselineDigest } from '../alerts/baseline-digest.ts';
import { deliverAlerts } from '../alerts/deliver-alerts.ts';
import { diffSummaryLine } from '../output/diff-lines.ts';
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
 * What happens after a crawl of a source, durably: every closed run of the
 * source whose pass has not stored its alerts yet is analysed, oldest
 * first, up to and including `runId`, one pass per source at a time
 * across processes (`withSourceAnalysisLock`) — so a process killed between a
 * run's close and its alerts leaves that run to the next pass, and its
 * changes are alerted before any newer run is diffed. Analysing a run:
 * refresh the planner statistics the diff relies on, store the run's facts
 * for the views (`recordRunFacts`), diff the run against
 * the source's latest complete run before it (`diffRuns`), raise the
 * alerts the diff implies (deduplicated, so analysing a run twice raises
 * nothing new), rescore the operators the run saw (`scoreRun`), then mark
 * it analysed. Last, every due alert goes to the sinks; a sink that is
 * down is recorded and retried by a later call; it never throws here.
 *
 * The report is of `runId`'s analysis (done again when it was analysed
 * before, which raises nothing new).
 *
 * @example
 * const result = await runCrawlJob(store, services, 'demo-api');
 * const report = await afterRun(store, result, { sinks: configuredSinks(process.env), log: console.log });
 * // report.alertsRaised === 2, report.diff?.operators.appeared.length === 3
 */
export async function afterRun(store: Store, run: { sourceId: string; runId: number }, options: AfterRunOptions = {}): Promise<AfterRunReport> {
  const log = options.log ?? (() => {});
  // Under the lock, what is pending is read afresh: another process may have analysed it while this one waited.
  const report = await withSourceAnalysisLock(store, run.sourceId, async () => {
    const pending = (await unanalysedRuns(store.db, run.sourceId)).filter((r) => r.id < run.runId);
    let earlierAlerts = 0;
    for (const earlier of pending) {
      log(`analysing run #${earlier.id}, closed but not analysed (its process ended before its alerts were stored)`);
      earlierAlerts += (await analyseRun(store, earlier, options)).alertsRaised;
    }
    const row = await store.db.selectFrom('crawl_runs').selectAll().where('id', '=', run.runId).executeTakeFirst();
    if (!row) throw new Error(`no run #${run.runId}`);
    const own = await analyseRun(store, row, options);
    return { ...own, alertsRaised: own.alertsRaised + earlierAlerts };
  });
  // Delivery waits on sinks, and claims its alerts itself: it runs outside the lock.
  const delivery = await deliverAlerts(store.db, options.sinks ?? [], { log });
  return { ...report, alertsDelivered: delivery.delivered };
}

async function analyseRun(store: Store, row: CrawlRunRow, options: AfterRunOptions): Promise<Omit<AfterRunReport, 'alertsDelivered'>> {
  const log = options.log ?? (() => {});
  const run = { sourceId: row.source_id, runId: row.id };
  // A cancelled run is read like a partial one: what it saw appeared, nothing vanished.
  const diffable = row.status === 'complete' || row.status === 'partial' || row.status === 'cancelled';
  if (diffable) {
    await refreshDiffStatistics(store.db);
    await recordRunFacts(store.db, run);
  }
  const diff = diffable ? await diffRuns(store.db, { sourceId: run.sourceId, toRunId: run.runId, thresholds: options.thresholds }) : null;
  if (diff) log(diffSummaryLine(diff));

  const diffAlerts = diff ? await insertAlerts(store.db, alertsFromDiff(diff)) : 0;
  // A source's first run has nothing to compare with: its alerts are a baseline, delivered as one digest.
  const baseline = diffable && diff === null;
  const scores = await scoreRun(store, run, { baseline });
  log(`scored ${scores.scored} operators: ${scores.domesticFacing} domestic-facing, ${scores.alerts} newly`);
  const digest = baseline && scores.scored > 0 ? await insertAlerts(store.db, [baselineDigest(run, scores)]) : 0;
  if (row.status !== 'running') await markAnalysed(store.db, row.id);
  return { diff, scores, alertsRaised: diffAlerts + scores.alerts + digest };
}

/**
 * Analyses every closed run still waiting for its after-run pass, in every
 * source, oldest first: what a worker or `otcwatch run` does when it
 * starts, so a run whose process died after closing it is alerted without
 * waiting for the source's next crawl. Returns the runs' count.
 *
 * @example
 * await analysePendingRuns(store, { sinks, log });
 */
export async function analysePendingRuns(store: Store, options: AfterRunOptions = {}): Promise<number> {
  let analysed = 0;
  for (const sourceId of await sourcesWithUnanalysedRuns(store.db)) {
    const pending = await unanalysedRuns(store.db, sourceId);
    const last = pending.at(-1);
    if (!last) continue;
    await afterRun(store, { sourceId, runId: last.id }, options);
    analysed += pending.length;
  }
  return analysed;
}
