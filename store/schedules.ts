import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, SchedulesTable } from './schema.ts';

export type ScheduleRow = Selectable<SchedulesTable>;

/** A schedule with its source's state and its last run, as `schedule list` shows it. */
export interface ScheduleListRow extends ScheduleRow {
  /** A disabled source (`sources set --disable`) is not crawled on schedule. */
  source_enabled: boolean;
  last_run_status: string | null;
  last_run_started_at: Date | null;
}

export interface NewSchedule {
  sourceId: string;
  /** A croner pattern, validated by the caller. */
  cron: string;
  timezone?: string;
  maxPages?: number | null;
}

/**
 * Adds a recurring crawl. Its first run is the first occurrence after now.
 *
 * @example
 * const hourly = await addSchedule(db, { sourceId: 'demo-api', cron: '0 * * * *' });
 */
export async function addSchedule(db: Kysely<Database>, schedule: NewSchedule): Promise<ScheduleRow> {
  return db
    .insertInto('schedules')
    .values({
      source_id: schedule.sourceId,
      cron: schedule.cron,
      timezone: schedule.timezone ?? 'UTC',
      max_pages: schedule.maxPages ?? null,
      due_after: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Schedules with their last run, by id; `enabledOnly` (for the scheduler)
 * keeps those neither paused nor of a disabled source.
 *
 * @example
 * for (const s of await listSchedules(db, { enabledOnly: true })) console.log(s.id, s.cron);
 */
export async function listSchedules(db: Kysely<Database>, options: { enabledOnly?: boolean } = {}): Promise<ScheduleListRow[]> {
  let query = db
    .selectFrom('schedules as s')
    .innerJoin('sources as src', 'src.id', 's.source_id')
    .leftJoin('crawl_runs as r', 'r.id', 's.last_run_id')
    .selectAll('s')
    .select(['src.enabled as source_enabled', 'r.status as last_run_status', 'r.started_at as last_run_started_at'])
    .orderBy('s.id');
  if (options.enabledOnly) query = query.where('s.enabled', '=', true).where('src.enabled', '=', true);
  return query.execute();
}

/** Deletes a schedule; false when there was none with that id. */
export async function removeSchedule(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('schedules').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Pauses or resumes a schedule; false when there is none with that id.
 * Resuming owes only occurrences after the resume, so a long pause does
 * not come back as a catch-up run.
 *
 * @example
 * await setScheduleEnabled(db, 3, false); // pause
 */
export async function setScheduleEnabled(db: Kysely<Database>, id: number, enabled: boolean): Promise<boolean> {
  const changes = enabled ? { enabled, due_after: sql<Date>`greatest(due_after, ${new Date()}::timestamptz)` } : { enabled };
  const result = await db.updateTable('schedules').set(changes).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Claims the occurrence owed by a schedule: moves `due_after` to `firedAt`
 * only if it is still what the caller read, so an occurrence is fired at
 * most once even if two schedulers share the store. Returns whether this
 * caller got it.
 *
 * @example
 * if (await claimOccurrence(db, s.id, s.due_after, new Date())) startCrawl(s);
 */
export async function claimOccurrence(db: Kysely<Database>, id: number, dueAfter: Date, firedAt: Date): Promise<boolean> {
  const result = await db
    .updateTable('schedules')
    .set({ due_after: firedAt })
    .where('id', '=', id)
    // Dates travel with millisecond precision; the column keeps microseconds.
    .where(sql`date_trunc('milliseconds', due_after)`, '=', dueAfter)
    .where('enabled', '=', true)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Remembers the run a schedule last started. */
export async function recordScheduledRun(db: Kysely<Database>, id: number, runId: number): Promise<void> {
  await db.updateTable('schedules').set({ last_run_id: runId }).where('id', '=', id).execute();
}
