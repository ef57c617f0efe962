import { sql, type Kysely, type Selectable } from 'kysely';
import type { CrawlRunsTable, Database } from './schema.ts';

export type CrawlRunRow = Selectable<CrawlRunsTable>;

/**
 * Opens a snapshot: a `running` run that only `writeSnapshot` completes.
 * A process killed before that leaves it `running`, and the next crawl of
 * the source marks it `failed` (see `failAbandonedRuns`).
 *
 * @example
 * const runId = await startRun(db, 'demo-api');
 */
export async function startRun(db: Kysely<Database>, sourceId: string, startedAt = new Date()): Promise<number> {
  const row = await db
    .insertInto('crawl_runs')
    .values({ source_id: sourceId, status: 'running', started_at: startedAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Marks runs of a source still `running` as failed. Called before a new
 * crawl of that source: crawls of one source never overlap, so a `running`
 * run found then belongs to a process that died.
 */
export async function failAbandonedRuns(db: Kysely<Database>, sourceId: string): Promise<number> {
  const result = await db
    .updateTable('crawl_runs')
    .set({ status: 'failed', finished_at: new Date(), error: 'abandoned: the process ended before the run finished' })
    .where('source_id', '=', sourceId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Ends a run without observations (every page failed, or the crawl was cancelled). */
export async function failRun(db: Kysely<Database>, runId: number, error: string, pagesFailed = 0): Promise<void> {
  await db
    .updateTable('crawl_runs')
    .set({ status: 'failed', finished_at: new Date(), error, pages_failed: pagesFailed })
    .where('id', '=', runId)
    .execute();
}

export interface RunListOptions {
  sourceId?: string;
  limit?: number;
}

export async function listRuns(db: Kysely<Database>, options: RunListOptions = {}): Promise<CrawlRunRow[]> {
  let query = db.selectFrom('crawl_runs').selectAll().orderBy('id', 'desc').limit(options.limit ?? 20);
  if (options.sourceId) query = query.where('source_id', '=', options.sourceId);
  return query.execute();
}

export async function getRun(db: Kysely<Database>, runId: number): Promise<CrawlRunRow | undefined> {
  return db.selectFrom('crawl_runs').selectAll().where('id', '=', runId).executeTakeFirst();
}

/** Counts of what a run stored, read back from the tables (not from the run row). */
export async function countRunContents(db: Kysely<Database>, runId: number) {
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('listing_observations').where('run_id', '=', runId).select(sql<number>`count(*)::int`.as('n')).as('observations'),
      eb.selectFrom('listing_observations').where('run_id', '=', runId).select(sql<number>`count(distinct operator_id)::int`.as('n')).as('operators'),
      eb.selectFrom('parse_failures').where('run_id', '=', runId).select(sql<number>`count(*)::int`.as('n')).as('parseFailures'),
    ])
    .executeTakeFirstOrThrow();
  return { observations: Number(row.observations), operators: Number(row.operators), parseFailures: Number(row.parseFailures) };
}
