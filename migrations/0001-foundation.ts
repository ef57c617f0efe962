import { sql, type Kysely } from 'kysely';

/**
 * The foundation schema of DESIGN.md: sources, snapshots (crawl runs) with
 * their evidence, operators, listings, per-run observations and payment
 * methods, the payment-method catalog, and parse failures.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('adapter', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('api', 'html', 'browser', 'declarative')`))
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('politeness', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('host_country', 'text')
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('crawl_runs')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('running', 'complete', 'partial', 'failed')`),
    )
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('pages_ok', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pages_failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('listings_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('parse_failures_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('crawl_runs_source_started').on('crawl_runs').columns(['source_id', 'started_at']).execute();

  await db.schema
    .createTable('evidence')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_runs.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('ok', 'failed')`))
    .addColumn('http_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('sha256', 'text')
    .addColumn('bytes', 'integer')
    .addColumn('body_path', 'text')
    .addColumn('screenshot_path', 'text')
    .addColumn('screenshot_sha256', 'text')
    .execute();
  await db.schema.createIndex('evidence_run').on('evidence').column('run_id').execute();

  await db.schema
    .createTable('operators')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('platform_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('operators_identity', ['platform', 'platform_key'])
    .execute();

  await db.schema
    .createTable('listings')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('platform_key', 'text', (c) => c.notNull())
    .addColumn('operator_id', 'integer', (c) => c.notNull().references('operators.id'))
    .addColumn('side', 'text', (c) => c.notNull().check(sql`side in ('buy', 'sell')`))
    .addColumn('asset', 'text', (c) => c.notNull())
    .addColumn('fiat', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('listings_identity', ['platform', 'platform_key'])
    .execute();
  await db.schema.createIndex('listings_operator').on('listings').column('operator_id').execute();

  await db.schema
    .createTable('listing_observations')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_runs.id').onDelete('cascade'))
    .addColumn('listing_id', 'integer', (c) => c.notNull().references('listings.id'))
    .addColumn('operator_id', 'integer', (c) => c.notNull().references('operators.id'))
    .addColumn('observed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('operator_name', 'text', (c) => c.notNull())
    .addColumn('price', 'numeric', (c) => c.notNull())
    .addColumn('available', 'numeric')
    .addColumn('min_order', 'numeric')
    .addColumn('max_order', 'numeric')
    .addColumn('terms', 'text')
    .addColumn('completion_rate', 'numeric')
    .addColumn('order_count', 'integer')
    .addColumn('month_order_count', 'integer')
    .addColumn('evidence_id', 'integer', (c) => c.references('evidence.id').onDelete('set null'))
    .addUniqueConstraint('listing_observations_once_per_run', ['run_id', 'listing_id'])
    .execute();
  await db.schema.createIndex('listing_observations_listing').on('listing_observations').columns(['listing_id', 'run_id']).execute();
  await db.schema.createIndex('listing_observations_operator').on('listing_observations').columns(['operator_id', 'run_id']).execute();

  await db.schema
    .createTable('payment_methods')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('is_domestic', 'boolean', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('payment_method_aliases')
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull().references('payment_methods.code').onDelete('cascade'))
    .addPrimaryKeyConstraint('payment_method_aliases_pk', ['alias', 'code'])
    .execute();

  await db.schema
    .createTable('listing_payment_methods')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_runs.id').onDelete('cascade'))
    .addColumn('listing_id', 'integer', (c) => c.notNull().references('listings.id'))
    .addColumn('method_key', 'text', (c) => c.notNull())
    .addColumn('method_code', 'text', (c) => c.references('payment_methods.code'))
    .addColumn('raw_text', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('listing_payment_methods_pk', ['run_id', 'listing_id', 'method_key'])
    .execute();
  await db.schema.createIndex('listing_payment_methods_listing').on('listing_payment_methods').columns(['listing_id', 'run_id']).execute();

  await db.schema
    .createTable('parse_failures')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_runs.id').onDelete('cascade'))
    .addColumn('url', 'text')
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('field_path', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('parse_failures_run').on('parse_failures').column('run_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'parse_failures',
    'listing_payment_methods',
    'payment_method_aliases',
    'payment_methods',
    'listing_observations',
    'listings',
    'operators',
    'evidence',
    'crawl_runs',
    'sources',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
