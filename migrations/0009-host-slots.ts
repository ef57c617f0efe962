import type { Kysely } from 'kysely';

/**
 * `host_slots` — one row per crawled host, the cluster-wide side of the
 * per-host limiter (store/host-slots.ts): the last request start claimed
 * on the host by any process (and the claim's token, so a claimer can tell
 * it won), and the largest gap any process declared there with how long
 * that declaration holds (`gap_until`), so the strictest source's gap
 * binds every process while it keeps crawling.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('host_slots')
    .addColumn('host', 'text', (c) => c.primaryKey())
    .addColumn('last_start_at', 'timestamptz', (c) => c.notNull())
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('gap_ms', 'integer', (c) => c.notNull())
    .addColumn('gap_until', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('host_slots').execute();
}
