import { sql, type Kysely } from 'kysely';

/** Alert kinds; the check constraint and `AlertKind` in `store/schema.ts` list the same names. */
const KINDS = ['new_domestic_payment_method', 'new_domestic_facing_operator', 'operator_vanished', 'price_move', 'volume_move'];

/**
 * Alerts raised from snapshot diffs and scores, and their delivery to each
 * configured sink (console, JSON-lines file, webhook).
 *
 * - `alerts.dedup_key` is unique: raising the same fact twice is a no-op.
 * - `alert_deliveries` has one row per (alert, sink): `pending` → `sending`
 *   (claimed until `next_attempt_at`, a lease) → `delivered`, or `failed`
 *   with `next_attempt_at` for the retry. Rows are never deleted by a
 *   failure, so an alert is never lost because a sink was down.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in (${sql.join(KINDS.map((k) => sql.lit(k)))})`))
    .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_runs.id').onDelete('cascade'))
    .addColumn('operator_id', 'integer', (c) => c.references('operators.id'))
    .addColumn('listing_id', 'integer', (c) => c.references('listings.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('acked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('alerts_created').on('alerts').column('created_at').execute();
  await db.schema.createIndex('alerts_run').on('alerts').column('run_id').execute();

  await db.schema
    .createTable('alert_deliveries')
    .addColumn('alert_id', 'integer', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('sink', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sending', 'delivered', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addPrimaryKeyConstraint('alert_deliveries_pk', ['alert_id', 'sink'])
    .execute();
  await db.schema
    .createIndex('alert_deliveries_due')
    .on('alert_deliveries')
    .columns(['sink', 'next_attempt_at'])
    .where(sql.ref('status'), '<>', 'delivered')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alert_deliveries').execute();
  await db.schema.dropTable('alerts').execute();
}
