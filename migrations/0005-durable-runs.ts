import { sql, type Kysely } from 'kysely';
import * as investigatorViews from './0004-investigator-views.ts';
import { listingHistory, newPaymentMethods, operatorPaymentTimeline } from './0004-investigator-views.ts';

/**
 * Durable runs (issue 8): a run's pages are journalled as they are read, so
 * a killed crawl resumes from them; the database holds one live run per
 * source and lets a status move only forward from `running`; a closed run
 * is marked `analysed_at` once its alerts are stored.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table crawl_runs drop constraint crawl_runs_status_check`.execute(db);
  await sql`alter table crawl_runs add constraint crawl_runs_status_check
    check (status in ('running', 'complete', 'partial', 'failed', 'cancelled'))`.execute(db);
  await db.schema
    .alterTable('crawl_runs')
    // Who holds a running run, and when it last said so: a stale heartbeat means its process died.
    .addColumn('owner', 'text')
    .addColumn('heartbeat_at', 'timestamptz')
    .addColumn('resumed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('analysed_at', 'timestamptz')
    .execute();
  // Runs closed before this migration were analysed by the code of their day.
  await sql`update crawl_runs set analysed_at = coalesce(finished_at, started_at) where status <> 'running'`.execute(db);
  await sql`create unique index crawl_runs_one_live_per_source on crawl_runs (source_id) where status = 'running'`.execute(db);
  await sql`create index crawl_runs_unanalysed on crawl_runs (source_id, id) where analysed_at is null and status <> 'running'`.execute(db);
  await sql`
    create function crawl_runs_status_forward() returns trigger language plpgsql as $$
    begin
      if old.status <> 'running' and new.status is distinct from old.status then
        raise exception 'crawl run % is %, and a closed run cannot become %', old.id, old.status, new.status
          using errcode = 'check_violation';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger crawl_runs_status_forward before update of status on crawl_runs
    for each row execute function crawl_runs_status_forward()`.execute(db);

  // The journal: one row per request of a run; a re-read page replaces its row.
  await db.schema
    .createTable('run_pages')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_runs.id').onDelete('cascade'))
    .addColumn('request_key', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('ok', 'failed')`))
    .addColumn('error', 'text')
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addColumn('evidence_id', 'integer', (c) => c.references('evidence.id').onDelete('set null'))
    .addColumn('listings', 'integer', (c) => c.notNull())
    .addColumn('parse_failures', 'integer', (c) => c.notNull())
    // The requests this page led to, so a resumed run follows them without fetching the page again.
    .addColumn('next_requests', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_pages_pk', ['run_id', 'request_key'])
    .execute();

  // Which page wrote a row, so a re-read page replaces exactly its own rows.
  for (const table of ['listing_observations', 'listing_payment_methods', 'parse_failures']) {
    await db.schema.alterTable(table).addColumn('request_key', 'text').execute();
  }
  await sql`create index listing_observations_run_request on listing_observations (run_id, request_key)`.execute(db);

  // Workers say they are alive, so `otcwatch status` can tell live ones from dead.
  await db.schema
    .createTable('workers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('worker', 'scheduler', 'run')`))
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('concurrency', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('stopped_at', 'timestamptz')
    .addColumn('jobs_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('jobs_failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();

  // A running run's pages are stored as they are read; the views show closed runs only.
  await sql`create or replace view v_listing_history as ${listingHistory(sql.raw('listing_payment_methods'))}
     where r.status <> 'running'`.execute(db);
  await sql`create or replace view v_operator_payment_timeline as ${operatorPaymentTimeline(CLOSED_RUN_METHODS)}`.execute(db);
  await sql`create or replace view v_new_payment_methods as ${newPaymentMethods(CLOSED_RUN_METHODS)}`.execute(db);
}

/** Payment methods of closed runs only. */
const CLOSED_RUN_METHODS = sql`(select pm.* from listing_payment_methods pm join crawl_runs r on r.id = pm.run_id where r.status <> 'running')`;

export async function down(db: Kysely<any>): Promise<void> {
  // The views as 0004 made them, before the running-run filter.
  await investigatorViews.down(db);
  await investigatorViews.up(db);
  await sql`drop index listing_observations_run_request`.execute(db);
  for (const table of ['listing_observations', 'listing_payment_methods', 'parse_failures']) {
    await db.schema.alterTable(table).dropColumn('request_key').execute();
  }
  await db.schema.dropTable('workers').execute();
  await db.schema.dropTable('run_pages').execute();
  await sql`drop trigger crawl_runs_status_forward on crawl_runs`.execute(db);
  await sql`drop function crawl_runs_status_forward()`.execute(db);
  await sql`drop index crawl_runs_unanalysed`.execute(db);
  await sql`drop index crawl_runs_one_live_per_source`.execute(db);
  await db.schema
    .alterTable('crawl_runs')
    .dropColumn('owner')
    .dropColumn('heartbeat_at')
    .dropColumn('resumed_count')
    .dropColumn('analysed_at')
    .execute();
  await sql`update crawl_runs set status = 'failed' where status = 'cancelled'`.execute(db);
  await sql`alter table crawl_runs drop constraint crawl_runs_status_check`.execute(db);
  await sql`alter table crawl_runs add constraint crawl_runs_status_check
    check (status in ('running', 'complete', 'partial', 'failed'))`.execute(db);
}
