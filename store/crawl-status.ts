import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { liveWorkers, type WorkerRow } from './workers.ts';

export interface CrawlStatus {
  /** Crawl jobs by pg-boss state; null where there is no queue (the embedded store, or no worker ever started). */
  queue: Record<string, number> | null;
  workers: (WorkerRow & { silent_s: number })[];
  /** Live runs, with their host and how far they got. */
  running: { run_id: number; source_id: string; host: string; owner: string | null; started_at: Date; heartbeat_s: number | null; pages_done: number; pages_failed: number; listings: number }[];
  /** The latest runs that did not complete, with why. */
  lastFailures: { run_id: number; source_id: string; status: string; finished_at: Date | null; error: string | null }[];
  /** Closed runs whose after-run pass (alerts) is still to do. */
  unanalysed: number;
}

/**
 * What `otcwatch status` shows: the queue, live workers (heartbeat within
 * `aliveWithinMs`), runs in flight per host with pages done, and the last
 * failures. Reads only.
 *
 * @example
 * const status = await crawlStatus(db, { queueName: 'otcwatch-crawl', aliveWithinMs: 15_000 });
 */
export async function crawlStatus(db: Kysely<Database>, options: { queueName: string; aliveWithinMs: number }): Promise<CrawlStatus> {
  const running = await sql<CrawlStatus['running'][number]>`
    select r.id as run_id, r.source_id, s.base_url as host, r.owner, r.started_at,
           extract(epoch from now() - r.heartbeat_at)::float8 as heartbeat_s,
           count(p.request_key) filter (where p.outcome = 'ok')::int as pages_done,
           count(p.request_key) filter (where p.outcome = 'failed')::int as pages_failed,
           coalesce(sum(p.listings), 0)::int as listings
      from crawl_runs r
      join sources s on s.id = r.source_id
      left join run_pages p on p.run_id = r.id
     where r.status = 'running'
     group by r.id, s.base_url
     order by r.id`.execute(db);
  const lastFailures = await db
    .selectFrom('crawl_runs')
    .select(['id as run_id', 'source_id', 'status', 'finished_at', 'error'])
    .where('status', 'in', ['failed', 'partial', 'cancelled'])
    .orderBy('id', 'desc')
    .limit(5)
    .execute();
  const unanalysed = await db
    .selectFrom('crawl_runs')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', '<>', 'running')
    .where('analysed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    queue: await queueCounts(db, options.queueName),
    workers: await liveWorkers(db, options.aliveWithinMs),
    running: running.rows.map((r) => ({ ...r, host: hostOf(r.host) })),
    lastFailures,
    unanalysed: Number(unanalysed.n),
  };
}

/** Jobs of a pg-boss queue by state; null where pg-boss has never run on this database. */
export async function queueCounts(db: Kysely<Database>, queueName: string): Promise<Record<string, number> | null> {
  const exists = await sql<{ t: string | null }>`select to_regclass('pgboss.job')::text as t`.execute(db);
  if (!exists.rows[0]?.t) return null;
  const rows = await sql<{ state: string; n: number }>`select state::text, count(*)::int as n from pgboss.job where name = ${queueName} group by state`.execute(db);
  const counts: Record<string, number> = { created: 0, retry: 0, active: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const row of rows.rows) counts[row.state] = Number(row.n);
  return counts;
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}
