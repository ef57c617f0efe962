import pg from 'pg';
import PgBoss from 'pg-boss';
import type { CrawlTask } from './crawl-task.ts';

/** The pg-boss queue crawl tasks travel on. */
export const CRAWL_QUEUE = 'otcwatch-crawl';

/** How crawl jobs are kept and retried; from the environment by `crawlQueueSettingsFromEnv`. */
export interface CrawlQueueSettings {
  /** An active job older than this is taken back from its (presumably dead) worker and retried. */
  expireInSeconds: number;
  retryLimit: number;
  retryDelaySeconds: number;
  /** How often pg-boss looks for expired jobs. */
  maintenanceIntervalSeconds: number;
  pollingIntervalSeconds: number;
}

/**
 * `OTCWATCH_JOB_EXPIRE_SECONDS` (default 3600), `OTCWATCH_JOB_RETRIES`
 * (20), `OTCWATCH_JOB_RETRY_DELAY_SECONDS` (30),
 * `OTCWATCH_QUEUE_MAINTENANCE_SECONDS` (60), `OTCWATCH_QUEUE_POLL_SECONDS` (2).
 */
export function crawlQueueSettingsFromEnv(env: NodeJS.ProcessEnv): CrawlQueueSettings {
  const read = (name: string, fallback: number, min: number, max: number) => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}, got "${text}"`);
    return value;
  };
  return {
    expireInSeconds: read('OTCWATCH_JOB_EXPIRE_SECONDS', 3600, 1, 86_400),
    retryLimit: read('OTCWATCH_JOB_RETRIES', 20, 0, 1000),
    retryDelaySeconds: read('OTCWATCH_JOB_RETRY_DELAY_SECONDS', 30, 1, 86_400),
    maintenanceIntervalSeconds: read('OTCWATCH_QUEUE_MAINTENANCE_SECONDS', 60, 1, 3600),
    pollingIntervalSeconds: read('OTCWATCH_QUEUE_POLL_SECONDS', 2, 0.5, 600),
  };
}

/**
 * Starts pg-boss on the store's Postgres (its own `pgboss` schema, made on
 * first start) and makes sure the crawl queue exists. The queue is
 * `stately`: per source (the singleton key) at most one job waits and one
 * runs, so schedulers on many machines never pile up crawls of a source.
 *
 * @example
 * const boss = await openCrawlQueue(process.env.DATABASE_URL!, crawlQueueSettingsFromEnv(process.env));
 * await enqueueCrawl(boss, { sourceId: 'demo-api' });
 */
export async function openCrawlQueue(
  databaseUrl: string,
  settings: CrawlQueueSettings,
  options: { supervise?: boolean; onError?: (error: Error) => void } = {},
): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    max: 4,
    application_name: 'otcwatch',
    maintenanceIntervalSeconds: settings.maintenanceIntervalSeconds,
    supervise: options.supervise ?? true,
    schedule: false,
  });
  // pg-boss goes on after an error (the next poll tries again); the caller decides who hears of it.
  boss.on('error', options.onError ?? (() => {}));
  await boss.start();
  if (!(await boss.getQueue(CRAWL_QUEUE))) await createQueueOnce(databaseUrl, boss, settings);
  return boss;
}

/**
 * Creates the crawl queue unless another process has. Processes started at
 * once on a new database would each call pg-boss's `create_queue`, which
 * deadlocks against itself (seen with 3 workers and a scheduler): they take
 * turns on an advisory lock, held by a connection of its own and released
 * when it ends.
 */
async function createQueueOnce(databaseUrl: string, boss: PgBoss, settings: CrawlQueueSettings): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'otcwatch' });
  await client.connect();
  try {
    await client.query(`select pg_advisory_lock(hashtext('otcwatch:crawl-queue'))`);
    if (await boss.getQueue(CRAWL_QUEUE)) return;
    await boss.createQueue(CRAWL_QUEUE, {
      name: CRAWL_QUEUE,
      policy: 'stately',
      retryLimit: settings.retryLimit,
      retryDelay: settings.retryDelaySeconds,
      expireInSeconds: settings.expireInSeconds,
    });
  } finally {
    await client.end();
  }
}

/**
 * Sends a crawl task; null when one for the source is already waiting
 * (the queue keeps one per source).
 */
export async function enqueueCrawl(boss: PgBoss, task: CrawlTask): Promise<string | null> {
  return boss.send(CRAWL_QUEUE, task, { singletonKey: task.sourceId });
}
