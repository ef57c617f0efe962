import type { Store } from '../../store/connection.ts';
import { recordScheduledRun } from '../../store/schedules.ts';
import { runCrawlJob, type CrawlJobResult } from './crawl-job.ts';
import type { CrawlServices } from './crawl-services.ts';

/** One crawl to do: what the scheduler fires in-process or sends to the queue. */
export interface CrawlTask {
  sourceId: string;
  maxPages?: number | null;
  /** The schedule that asked for it, if any. */
  scheduleId?: number | null;
}

export type CrawlTaskOutcome =
  | { kind: 'ran'; result: CrawlJobResult }
  /** A redelivered task whose crawl already happened: a run of its source started after it was asked for, and closed. */
  | { kind: 'satisfied'; runId: number };

export interface CrawlTaskOptions {
  signal?: AbortSignal;
  /** When the task was asked for (the queue's clock); a run started since then satisfies it. */
  requestedAt?: Date;
  /** What follows the crawl: diff, alerts, scores, delivery. */
  afterRun: (store: Store, run: { sourceId: string; runId: number }) => Promise<unknown>;
  /** Told of the stored run before its after-run pass begins. */
  onRun?: (result: CrawlJobResult) => void;
}

/**
 * Does one crawl task the same way wherever it runs (`otcwatch run` in one
 * process, or a pg-boss worker): the durable crawl job, the schedule's
 * bookkeeping, then the after-run pass. A task delivered again after its
 * worker died resumes that worker's run (the crawl job claims it); one
 * whose crawl finished meanwhile is satisfied without crawling again.
 * Throws `SourceBusyError` while a live process holds the source.
 *
 * @example
 * await performCrawlTask(store, services, { sourceId: 'demo-api' }, { afterRun });
 */
export async function performCrawlTask(store: Store, services: CrawlServices, task: CrawlTask, options: CrawlTaskOptions): Promise<CrawlTaskOutcome> {
  if (options.requestedAt) {
    const done = await store.db
      .selectFrom('crawl_runs')
      .select('id')
      .where('source_id', '=', task.sourceId)
      .where('status', '<>', 'running')
      .where('started_at', '>=', options.requestedAt)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (done) {
      await options.afterRun(store, { sourceId: task.sourceId, runId: done.id });
      return { kind: 'satisfied', runId: done.id };
    }
  }
  const result = await runCrawlJob(store, services, task.sourceId, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(task.maxPages ? { maxPages: task.maxPages } : {}),
  });
  if (task.scheduleId) await recordScheduledRun(store.db, task.scheduleId, result.runId);
  options.onRun?.(result);
  await options.afterRun(store, { sourceId: task.sourceId, runId: result.runId });
  return { kind: 'ran', result };
}
