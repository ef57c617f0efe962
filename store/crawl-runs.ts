import { sql, type Kysely, type Selectable } from 'kysely';
import type { CrawlRunsTable, Database } from './schema.ts';

export type CrawlRunRow = Selectable<CrawlRunsTable>;

/**
 * Opens a `running` run with no owner, for callers that write a whole
 * snapshot at once (`writeSnapshot`). A crawl uses `claimRun`.
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

export interface ClaimOptions {
  /** Who claims, e.g. `host:pid:nonce`; stored as the run's owner. */
  owner: string;
  /** A running run whose heartbeat is older than this is abandoned: its owner died. */
  leaseMs: number;
  /** An abandoned run older than this is closed as failed instead of resumed. */
  maxResumeAgeMs: number;
}

export type RunClaim =
  | { kind: 'started'; runId: number }
  | { kind: 'resumed'; runId: number; startedAt: Date }
  | { kind: 'busy'; runId: number; owner: string | null; heartbeatAt: Date | null };

/**
 * Takes the one live run of a source for this process: resumes the
 * source's abandoned run (stale heartbeat), or closes it as failed when it
 * is older than `maxResumeAgeMs`, or starts a new one — unless a live
 * process holds it (`busy`). The database decides every race: a partial
 * unique index allows one `running` run per source, and a takeover is a
 * conditional UPDATE only one process can win. Times are the database's
 * clock, so machines with skewed clocks agree.
 *
 * @example
 * const claim = await claimRun(db, 'demo-api', { owner, leaseMs: 30_000, maxResumeAgeMs: 86_400_000 });
 * if (claim.kind === 'busy') console.log(`demo-api is being crawled by run #${claim.runId}`);
 */
export async function claimRun(db: Kysely<Database>, sourceId: string, options: ClaimOptions): Promise<RunClaim> {
  const live = await db.selectFrom('crawl_runs').selectAll().where('source_id', '=', sourceId).where('status', '=', 'running').executeTakeFirst();
  if (live) {
    const stale = sql<boolean>`(heartbeat_at is null or heartbeat_at < now() - make_interval(secs => ${options.leaseMs / 1000}))`;
    const tooOld = sql<boolean>`started_at < now() - make_interval(secs => ${options.maxResumeAgeMs / 1000})`;
    const failed = await db
      .updateTable('crawl_runs')
      .set({ status: 'failed', finished_at: new Date(), owner: null, error: `abandoned: its process ended, and the run is older than ${Math.round(options.maxResumeAgeMs / 60_000)} min, so it was not resumed` })
      .where('id', '=', live.id)
      .where('status', '=', 'running')
      .where(stale)
      .where(tooOld)
      .executeTakeFirst();
    if (Number(failed.numUpdatedRows) === 0) {
      const taken = await db
        .updateTable('crawl_runs')
        .set((eb) => ({ owner: options.owner, heartbeat_at: sql`now()`, resumed_count: eb('resumed_count', '+', 1) }))
        .where('id', '=', live.id)
        .where('status', '=', 'running')
        .where(stale)
        .returning(['id', 'started_at'])
        .executeTakeFirst();
      if (taken) return { kind: 'resumed', runId: taken.id, startedAt: taken.started_at };
      return { kind: 'busy', runId: live.id, owner: live.owner, heartbeatAt: live.heartbeat_at };
    }
  }
  try {
    const row = await db
      .insertInto('crawl_runs')
      .values({ source_id: sourceId, status: 'running', started_at: new Date(), owner: options.owner, heartbeat_at: sql`now()` })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { kind: 'started', runId: row.id };
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    // Another process started one between our look and our insert.
    const other = await db.selectFrom('crawl_runs').selectAll().where('source_id', '=', sourceId).where('status', '=', 'running').executeTakeFirst();
    return { kind: 'busy', runId: other?.id ?? 0, owner: other?.owner ?? null, heartbeatAt: other?.heartbeat_at ?? null };
  }
}

/**
 * Says the owner is alive. False when the run is no longer this owner's
 * (closed, or taken over after a missed lease): the caller must stop.
 */
export async function heartbeatRun(db: Kysely<Database>, runId: number, owner: string): Promise<boolean> {
  const result = await db
    .updateTable('crawl_runs')
    .set({ heartbeat_at: sql`now()` })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .where('owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Marks runs of a source still `running` as failed, whoever holds them.
 * For a caller that knows their processes are gone (the scheduler's drain
 * after its abort wait); a crawl uses `claimRun`, which never takes a live run.
 */
export async function failAbandonedRuns(db: Kysely<Database>, sourceId: string, owner?: string): Promise<number> {
  let query = db
    .updateTable('crawl_runs')
    .set({ status: 'failed', finished_at: new Date(), owner: null, error: 'abandoned: the process ended before the run finished' })
    .where('source_id', '=', sourceId)
    .where('status', '=', 'running');
  if (owner !== undefined) query = query.where('owner', '=', owner);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Closed runs of a source whose after-run pass has not stored its alerts,
 * oldest first: they are analysed, in order, before any newer run is diffed.
 */
export async function unanalysedRuns(db: Kysely<Database>, sourceId: string): Promise<CrawlRunRow[]> {
  return db
    .selectFrom('crawl_runs')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('status', '<>', 'running')
    .where('analysed_at', 'is', null)
    .orderBy('id')
    .execute();
}

/** Sources with closed runs still waiting for their after-run pass. */
export async function sourcesWithUnanalysedRuns(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('crawl_runs').select('source_id').distinct().where('status', '<>', 'running').where('analysed_at', 'is', null).execute();
  return rows.map((r) => r.source_id);
}

/** Records that a closed run's alerts are stored. */
export async function markAnalysed(db: Kysely<Database>, runId: number): Promise<void> {
  await db.updateTable('crawl_runs').set({ analysed_at: sql`now()` }).where('id', '=', runId).where('status', '<>', 'running').execute();
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
