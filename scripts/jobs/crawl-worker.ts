import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import type { Store } from '../../store/connection.ts';
import { beatWorker, registerWorker, stopWorker } from '../../store/workers.ts';
import { SourceBusyError, type CrawlJobResult } from './crawl-job.ts';
import { CRAWL_QUEUE, type CrawlQueueSettings } from './crawl-queue.ts';
import type { CrawlServices } from './crawl-services.ts';
import { performCrawlTask, type CrawlTask, type CrawlTaskOptions } from './crawl-task.ts';

/** One structured log line of a worker, e.g. `{ event: 'run', source: 'demo-api', run: 7, status: 'complete' }`. */
export type WorkerEvent = { event: string } & Record<string, unknown>;

/**
 * A pg-boss worker: takes crawl tasks from the queue, `concurrency` at a
 * time, and performs each (`performCrawlTask`: durable crawl, then the
 * after-run pass). Any number of workers on any machines may share one
 * database. A task whose source is held by another live process fails and
 * is retried by pg-boss later; a task whose worker died stays active until
 * pg-boss expires it, then another worker takes it and resumes the run
 * from its journal.
 *
 * `stop()` takes no new tasks and gives those in flight `graceMs`; then
 * they are aborted and their runs close as `cancelled`.
 *
 * @example
 * const worker = new CrawlWorker({ store, services, boss, settings, concurrency: 2, afterRun, log: console.log });
 * await worker.start();
 * process.once('SIGTERM', () => worker.stop());
 */
export class CrawlWorker {
  readonly #props: Required<CrawlWorkerProps>;
  readonly #inFlight = new Map<string, AbortController>();
  readonly #tally = { done: 0, failed: 0, lastError: null as string | null };
  #heartbeat: NodeJS.Timeout | undefined;
  #stopped: Promise<void> | undefined;

  constructor(props: CrawlWorkerProps) {
    this.#props = { graceMs: 30_000, heartbeatMs: 5000, onRun: () => {}, ...props };
  }

  get id(): string {
    return this.#props.services.owner;
  }

  async start(): Promise<void> {
    const { store, boss, concurrency, settings } = this.#props;
    await registerWorker(store.db, { id: this.id, kind: 'worker', host: hostname(), pid: process.pid, concurrency });
    this.#heartbeat = setInterval(() => void this.#beat(), this.#props.heartbeatMs);
    // pg-boss runs one fetch loop per work() call; N loops of batch 1 give N tasks at once.
    for (let i = 0; i < concurrency; i++) {
      await boss.work<CrawlTask>(CRAWL_QUEUE, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: settings.pollingIntervalSeconds }, async ([job]) => {
        if (job) await this.#perform(job);
      });
    }
    this.#props.log({ event: 'started', worker: this.id, concurrency });
  }

  /** Stops taking tasks; aborts the ones in flight after the grace period. Resolves when they have ended. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#props.log({ event: 'stopping', worker: this.id, inFlight: this.#inFlight.size, graceMs: this.#props.graceMs });
      const abort = setTimeout(() => {
        for (const controller of this.#inFlight.values()) controller.abort();
      }, this.#props.graceMs);
      await this.#props.boss.offWork(CRAWL_QUEUE);
      while (this.#inFlight.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      clearTimeout(abort);
      clearInterval(this.#heartbeat);
      await this.#beat();
      await stopWorker(this.#props.store.db, this.id);
      this.#props.log({ event: 'stopped', worker: this.id, done: this.#tally.done, failed: this.#tally.failed });
    })();
    return this.#stopped;
  }

  async #perform(job: PgBoss.JobWithMetadata<CrawlTask>): Promise<void> {
    const controller = new AbortController();
    this.#inFlight.set(job.id, controller);
    const task = job.data;
    const options: CrawlTaskOptions = { signal: controller.signal, afterRun: this.#props.afterRun, onRun: this.#props.onRun };
    // A first delivery needs no check; a retried one may find its crawl already done.
    if (job.retryCount > 0) options.requestedAt = job.createdOn;
    this.#props.log({ event: 'take', worker: this.id, job: job.id, source: task.sourceId, attempt: job.retryCount + 1 });
    try {
      const outcome = await performCrawlTask(this.#props.store, this.#props.services, task, options);
      this.#tally.done += 1;
      if (outcome.kind === 'satisfied') this.#props.log({ event: 'satisfied', worker: this.id, job: job.id, source: task.sourceId, run: outcome.runId });
      else {
        const r = outcome.result;
        this.#props.log({ event: 'run', worker: this.id, job: job.id, source: task.sourceId, run: r.runId, status: r.status, resumed: r.resumed, resumedPages: r.resumedPages, pagesOk: r.pagesOk, pagesFailed: r.pagesFailed, listings: r.listings, elapsedMs: Math.round(r.elapsedMs) });
      }
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof SourceBusyError) this.#props.log({ event: 'busy', worker: this.id, job: job.id, source: task.sourceId, run: error.runId });
      else {
        this.#tally.failed += 1;
        this.#tally.lastError = `${task.sourceId}: ${message}`;
        this.#props.log({ event: 'failed', worker: this.id, job: job.id, source: task.sourceId, error: message });
      }
      throw error; // pg-boss retries the job later.
    } finally {
      this.#inFlight.delete(job.id);
    }
  }

  async #beat(): Promise<void> {
    const { done, failed, lastError } = this.#tally;
    this.#tally.done = 0;
    this.#tally.failed = 0;
    this.#tally.lastError = null;
    await beatWorker(this.#props.store.db, this.id, { done, failed, lastError }).catch(() => {
      this.#tally.done += done;
      this.#tally.failed += failed;
    });
  }
}

export interface CrawlWorkerProps {
  store: Store;
  services: CrawlServices;
  boss: PgBoss;
  settings: CrawlQueueSettings;
  /** Tasks performed at once. */
  concurrency: number;
  afterRun: CrawlTaskOptions['afterRun'];
  log: (event: WorkerEvent) => void;
  /** Told of every crawl this worker performed (metrics). */
  onRun?: (result: CrawlJobResult) => void;
  /** How long tasks in flight may go on after `stop()` before they are aborted. Default 30 s. */
  graceMs?: number;
  heartbeatMs?: number;
}
