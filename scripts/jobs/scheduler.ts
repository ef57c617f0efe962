import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../../store/connection.ts';
import { failAbandonedRuns } from '../../store/crawl-runs.ts';
import { claimOccurrence, listSchedules, type ScheduleRow } from '../../store/schedules.ts';
import { SourceBusyError, type CrawlJobResult } from './crawl-job.ts';
import type { CrawlServices } from './crawl-services.ts';
import { performCrawlTask, type CrawlTask } from './crawl-task.ts';
import { nextOccurrence } from './schedule-timing.ts';

/** One structured log line of the scheduler, e.g. `{ event: 'run', source: 'demo-api', run: 7, status: 'complete' }`. */
export type SchedulerEvent = { event: string } & Record<string, unknown>;

/**
 * Fires the crawls the `schedules` table says are due. In one process
 * (`otcwatch run`) it performs them itself, one crawl per source at a
 * time, with `afterRun` (diff, alerts, scores) after each; with `enqueue`
 * (`otcwatch scheduler`) it sends them to the pg-boss queue for workers.
 * Either way a crawl is the same `performCrawlTask`.
 *
 * Policy:
 * - an occurrence is owed when it falls after the schedule's `due_after`
 *   and not after now; firing claims it and moves `due_after` to now, so
 *   however many occurrences passed while nothing ran, one crawl runs
 *   (on start, for the missed ones), never a burst;
 * - an occurrence that comes due while its source is still being crawled
 *   is skipped (logged `skipped`), never queued;
 * - schedules are re-read every `pollMs`, so added, paused or removed
 *   ones take effect while it runs (with Postgres);
 * - `stop()` starts no new crawl and gives the ones in flight `graceMs` to
 *   finish; then they are aborted, store what they have as partial runs,
 *   and any run still open after `abortWaitMs` is marked failed. A second
 *   `stop()` aborts at once.
 *
 * @example
 * const scheduler = new Scheduler({ store, services, afterRun, log: (e) => console.log(JSON.stringify(e)) });
 * process.once('SIGTERM', () => scheduler.stop('SIGTERM'));
 * await scheduler.run(); // resolves once stopped and drained
 */
export class Scheduler {
  readonly #props: SchedulerProps & Required<Pick<SchedulerProps, 'graceMs' | 'pollMs' | 'abortWaitMs'>>;
  readonly #inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  readonly #stopping = new AbortController();
  #abortNow = false;

  constructor(props: SchedulerProps) {
    this.#props = { graceMs: 30_000, pollMs: 10_000, abortWaitMs: 30_000, ...props };
  }

  /**
   * Fires due crawls until `stop()`, then drains. Resolves true when every
   * crawl ended by itself, false when some had to be marked failed while
   * still running (the caller should then exit rather than wait for them).
   */
  async run(): Promise<boolean> {
    const startedAt = new Date();
    const schedules = await listSchedules(this.#props.store.db, { enabledOnly: true });
    this.#props.log({ event: 'started', store: `${this.#props.store.engine} ${this.#props.store.location}`, schedules: schedules.length, pid: process.pid });
    while (!this.#stopping.signal.aborted) {
      const wakeAt = await this.#fireDue(startedAt);
      try {
        await sleep(Math.max(0, wakeAt - Date.now()), undefined, { signal: this.#stopping.signal });
      } catch {
        // Aborted by stop(): fall through to the drain.
      }
    }
    const clean = await this.#drain();
    this.#props.log({ event: 'stopped', clean });
    return clean;
  }

  /** Stops starting crawls; the first call lets the ones in flight finish within the grace period, a second aborts them. */
  stop(reason: string): void {
    if (this.#stopping.signal.aborted) {
      this.#props.log({ event: 'aborting', reason: `${reason} again`, sources: [...this.#inFlight.keys()] });
      this.#abortAll();
      return;
    }
    this.#props.log({ event: 'stopping', reason, inFlight: [...this.#inFlight.keys()], graceMs: this.#props.graceMs });
    this.#stopping.abort();
  }

  /** Fires every owed occurrence; returns when to look again (epoch ms). */
  async #fireDue(startedAt: Date): Promise<number> {
    const now = new Date();
    let wakeAt = now.getTime() + this.#props.pollMs;
    for (const schedule of await listSchedules(this.#props.store.db, { enabledOnly: true })) {
      if (this.#stopping.signal.aborted) break;
      let due: Date | null;
      try {
        due = nextOccurrence(schedule);
      } catch (error) {
        this.#props.log({ event: 'invalid', schedule: schedule.id, error: (error as Error).message });
        continue;
      }
      if (due === null) continue;
      if (due <= now && (await claimOccurrence(this.#props.store.db, schedule.id, schedule.due_after, now))) this.#fire(schedule, due, startedAt);
      const next = due <= now ? nextOccurrence({ ...schedule, due_after: now }) : due;
      if (next) wakeAt = Math.min(wakeAt, next.getTime());
    }
    return wakeAt;
  }

  /** Starts the crawl of a claimed occurrence, unless its source is still being crawled. */
  #fire(schedule: ScheduleRow, due: Date, startedAt: Date): void {
    if (this.#props.enqueue) {
      void this.#send(schedule, due, startedAt);
      return;
    }
    if (this.#inFlight.has(schedule.source_id)) {
      this.#props.log({ event: 'skipped', schedule: schedule.id, source: schedule.source_id, due, reason: 'the source is still being crawled' });
      return;
    }
    this.#props.log({ event: 'fire', schedule: schedule.id, source: schedule.source_id, due, missed: due < startedAt });
    this.#start(schedule);
  }

  async #send(schedule: ScheduleRow, due: Date, startedAt: Date): Promise<void> {
    const task: CrawlTask = { sourceId: schedule.source_id, maxPages: schedule.max_pages, scheduleId: schedule.id };
    try {
      const job = await this.#props.enqueue!(task);
      if (job) this.#props.log({ event: 'enqueued', schedule: schedule.id, source: schedule.source_id, due, missed: due < startedAt, job });
      else this.#props.log({ event: 'skipped', schedule: schedule.id, source: schedule.source_id, due, reason: 'a crawl of the source is already queued' });
    } catch (error) {
      this.#props.log({ event: 'enqueue-failed', schedule: schedule.id, source: schedule.source_id, error: (error as Error).message });
    }
  }

  #start(schedule: ScheduleRow): void {
    const controller = new AbortController();
    const done = this.#crawl(schedule, controller.signal).finally(() => this.#inFlight.delete(schedule.source_id));
    this.#inFlight.set(schedule.source_id, { controller, done });
  }

  async #crawl(schedule: ScheduleRow, signal: AbortSignal): Promise<void> {
    const { store, services } = this.#props;
    const source = schedule.source_id;
    const task: CrawlTask = { sourceId: source, maxPages: schedule.max_pages, scheduleId: schedule.id };
    const log = (result: CrawlJobResult) => {
      const { runId, status, error, pagesOk, pagesFailed, listings, parseFailures, resumed } = result;
      this.#props.log({ event: 'run', schedule: schedule.id, source, run: runId, status, resumed, pagesOk, pagesFailed, listings, parseFailures, elapsedMs: Math.round(result.elapsedMs), error });
    };
    const afterRun = async (s: Store, run: { sourceId: string; runId: number }) => {
      try {
        await this.#props.afterRun(s, run);
      } catch (afterError) {
        this.#props.log({ event: 'after-run-failed', schedule: schedule.id, source, run: run.runId, error: (afterError as Error).message });
      }
    };
    try {
      await performCrawlTask(store, services, task, { signal, afterRun, onRun: log });
    } catch (error) {
      if (error instanceof SourceBusyError) this.#props.log({ event: 'skipped', schedule: schedule.id, source, reason: error.message });
      else this.#props.log({ event: 'run', schedule: schedule.id, source, status: 'failed', error: (error as Error).message });
    }
  }

  async #drain(): Promise<boolean> {
    if (this.#inFlight.size === 0) return true;
    const settled = () => Promise.allSettled([...this.#inFlight.values()].map((f) => f.done));
    if (!this.#abortNow && !(await finishesWithin(settled(), this.#props.graceMs))) {
      this.#props.log({ event: 'aborting', reason: `grace period of ${this.#props.graceMs} ms over`, sources: [...this.#inFlight.keys()] });
      this.#abortAll();
    }
    const sources = [...this.#inFlight.keys()];
    if (await finishesWithin(settled(), this.#props.abortWaitMs)) return true;
    for (const source of sources) {
      const failed = await failAbandonedRuns(this.#props.store.db, source, this.#props.services.owner);
      this.#props.log({ event: 'abandoned', source, runsMarkedFailed: failed });
    }
    return false;
  }

  #abortAll(): void {
    this.#abortNow = true;
    for (const { controller } of this.#inFlight.values()) controller.abort();
  }
}

async function finishesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const outcome = await Promise.race([work.then(() => true), sleep(ms, false, { signal: timer.signal }).catch(() => false)]);
  timer.abort();
  return outcome;
}

export interface SchedulerProps {
  store: Store;
  /** Shared by every crawl (one per-host limiter across sources). */
  services: CrawlServices;
  /** Send due crawls to the queue instead of performing them here; resolves to the job id, null when one is already queued. */
  enqueue?: (task: CrawlTask) => Promise<string | null>;
  /** What follows each run: diff, alerts, scores (`scripts/jobs/after-run.ts`). */
  afterRun: (store: Store, run: { sourceId: string; runId: number }) => Promise<unknown>;
  /** Where structured events go, one object each (the caller adds the time). */
  log: (event: SchedulerEvent) => void;
  /** How long crawls in flight may take to finish after `stop()` before they are aborted. Default 30 s. */
  graceMs?: number;
  /** How often the schedules are re-read when nothing is due sooner. Default 10 s. */
  pollMs?: number;
  /** After aborting, how long crawls get to store what they have before their runs are marked failed. Default 30 s. */
  abortWaitMs?: number;
}
