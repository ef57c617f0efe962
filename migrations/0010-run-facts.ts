import { sql, type Kysely } from 'kysely';

/**
 * What lets commands start and views answer without redoing old work:
 *
 * - `catalog_versions` — one row per catalog the code ships into the store
 *   (`payment-methods`, `builtin-sources`) with the sha256 of what was
 *   written last: a command rewrites a catalog only when its hash moved, so
 *   a command that changes nothing writes nothing.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('catalog_versions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('written_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('catalog_versions').execute();
}
