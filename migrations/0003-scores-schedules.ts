import { sql, type Kysely } from 'kysely';

/**
 * Domestic-facing scores and the crawl scheduler:
 *
 * - `operator_signals` — one row per (operator, signal): weight, strength
 *   (0–1), points (= weight × strength) and the evidence behind it (JSON
 *   naming listings, runs and the matched text), replaced on each scoring;
 * - `operator_scores` — the sum of an operator's points, and whether it
 *   crossed the domestic-facing threshold;
 * - `run_host_locations` — the address a run's host resolved to and its
 *   country by offline GeoIP (null when unknown, with the reason in `note`);
 * - `schedules` — recurring crawls: a source, a cron pattern and its time
 *   zone, paused or not, and `due_after`: the next occurrence strictly
 *   after it is the one owed (moved on each firing, on creation and resume).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('operator_signals')
    .addColumn('operator_id', 'integer', (c) => c.notNull().references('operators.id').onDelete('cascade'))
    .addColumn('signal', 'text', (c) => c.notNull())
    .addColumn('weight', 'numeric', (c) => c.notNull())
    .addColumn('strength', 'numeric', (c) => c.notNull().check(sql`strength between 0 and 1`))
    .addColumn('points', 'numeric', (c) => c.notNull())
    .addColumn('evidence', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('run_id', 'integer', (c) => c.references('crawl_runs.id').onDelete('set null'))
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('operator_signals_pk', ['operator_id', 'signal'])
    .execute();

  await db.schema
    .createTable('operator_scores')
    .addColumn('operator_id', 'integer', (c) => c.primaryKey().references('operators.id').onDelete('cascade'))
    .addColumn('score', 'numeric', (c) => c.notNull())
    .addColumn('domestic_facing', 'boolean', (c) => c.notNull())
    .addColumn('run_id', 'integer', (c) => c.references('crawl_runs.id').onDelete('set null'))
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('operator_scores_score').on('operator_scores').column('score').execute();

  await db.schema
    .createTable('run_host_locations')
    .addColumn('run_id', 'integer', (c) => c.primaryKey().references('crawl_runs.id').onDelete('cascade'))
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('country', 'text')
    .addColumn('note', 'text')
    .addColumn('resolved_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('schedules')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('max_pages', 'integer', (c) => c.check(sql`max_pages >= 1`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('due_after', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_run_id', 'integer', (c) => c.references('crawl_runs.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('schedules_source').on('schedules').column('source_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['schedules', 'run_host_locations', 'operator_scores', 'operator_signals']) {
    await db.schema.dropTable(table).execute();
  }
}
