import { sql, type Kysely } from 'kysely';

/**
 * What lets commands start and views answer without redoing old work:
 *
 * - `catalog_versions` — one row per catalog the code ships into the store
 *   (`payment-methods`, `builtin-sources`) with the sha256 of what was
 *   written last: a command rewrites a catalog only when its hash moved, so
 *   a command that changes nothing writes nothing.
 * - per-run facts, stored once when a run is analysed (`recordRunFacts`,
 *   store/run-facts.ts) instead of recomputed from the whole history on
 *   every query: `operator_source_firsts` (the first run of a source that
 *   saw an operator), `operator_method_firsts` (the first run of a source in
 *   which an operator carried a method), and `run_new_payment_methods` (the
 *   methods an operator carried for the first time in a run, when the
 *   source had seen it before) — which `v_new_payment_methods` now reads.
 *   Existing runs are backfilled here, from the history.
 * - `operator_scores_domestic`, the domestic-facing operators by score, for
 *   `v_domestic_facing_operators` ordered by score.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('catalog_versions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('written_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('operator_source_firsts')
    .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('operator_id', 'integer', (c) => c.notNull().references('operators.id').onDelete('cascade'))
    .addColumn('first_run_id', 'integer', (c) => c.notNull().references('crawl_runs.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('operator_source_firsts_pk', ['source_id', 'operator_id'])
    .execute();
  await db.schema
    .createTable('operator_method_firsts')
    .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('operator_id', 'integer', (c) => c.notNull().references('operators.id').onDelete('cascade'))
    .addColumn('method_key', 'text', (c) => c.notNull())
    .addColumn('first_run_id', 'integer', (c) => c.notNull().references('crawl_runs.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('operator_method_firsts_pk', ['source_id', 'operator_id', 'method_key'])
    .execute();
  await db.schema
    .createTable('run_new_payment_methods')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_runs.id').onDelete('cascade'))
    .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('operator_id', 'integer', (c) => c.notNull().references('operators.id').onDelete('cascade'))
    .addColumn('method_key', 'text', (c) => c.notNull())
    .addColumn('method_code', 'text', (c) => c.references('payment_methods.code'))
    .addColumn('raw_texts', sql`text[]`, (c) => c.notNull())
    .addColumn('listing_ids', sql`integer[]`, (c) => c.notNull())
    .addPrimaryKeyConstraint('run_new_payment_methods_pk', ['run_id', 'operator_id', 'method_key'])
    .execute();

  // Backfill, as the old view computed it: first sightings over the whole history, once.
  await sql`
    insert into operator_source_firsts (source_id, operator_id, first_run_id)
    select r.source_id, o.operator_id, min(o.run_id)
      from listing_observations o join crawl_runs r on r.id = o.run_id
     group by 1, 2`.execute(db);
  await sql`
    insert into operator_method_firsts (source_id, operator_id, method_key, first_run_id)
    select r.source_id, o.operator_id, pm.method_key, min(o.run_id)
      from listing_observations o
      join crawl_runs r on r.id = o.run_id
      join listing_payment_methods pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id
     group by 1, 2, 3`.execute(db);
  await sql`
    insert into run_new_payment_methods (run_id, source_id, operator_id, method_key, method_code, raw_texts, listing_ids)
    select f.first_run_id, f.source_id, f.operator_id, f.method_key, min(pm.method_code),
           array_agg(distinct pm.raw_text), array_agg(distinct pm.listing_id)
      from operator_method_firsts f
      join operator_source_firsts fo on fo.source_id = f.source_id and fo.operator_id = f.operator_id
      join listing_observations o on o.run_id = f.first_run_id and o.operator_id = f.operator_id
      join listing_payment_methods pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id and pm.method_key = f.method_key
     where f.first_run_id > fo.first_run_id
     group by 1, 2, 3, 4`.execute(db);

  await sql`
    create or replace view v_new_payment_methods as
    select f.run_id, f.source_id, r.started_at as run_started_at,
           f.operator_id, op.platform, op.name as operator_name,
           f.method_key, f.method_code, coalesce(m.is_domestic, false) as is_domestic,
           f.raw_texts, f.listing_ids
      from run_new_payment_methods f
      join crawl_runs r on r.id = f.run_id
      join operators op on op.id = f.operator_id
      left join payment_methods m on m.code = f.method_code`.execute(db);

  await sql`create index operator_scores_domestic on operator_scores (score desc, operator_id) where domestic_facing`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index operator_scores_domestic`.execute(db);
  // The view as 0004 made it: recomputed from the history.
  await sql`
    create or replace view v_new_payment_methods as
    with sightings as (
      select r.source_id, o.operator_id, o.run_id, o.listing_id, pm.method_key, pm.method_code, pm.raw_text
        from listing_observations o
        join crawl_runs r on r.id = o.run_id
        join listing_payment_methods pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id
    ), method_firsts as (
      select source_id, operator_id, method_key, min(run_id) as run_id from sightings group by 1, 2, 3
    ), operator_firsts as (
      select r.source_id, o.operator_id, min(o.run_id) as run_id
        from listing_observations o join crawl_runs r on r.id = o.run_id
       group by 1, 2
    )
    select f.run_id, f.source_id, r.started_at as run_started_at,
           f.operator_id, op.platform, op.name as operator_name,
           f.method_key, s.method_code, coalesce(m.is_domestic, false) as is_domestic,
           array_agg(distinct s.raw_text) as raw_texts,
           array_agg(distinct s.listing_id) as listing_ids
      from method_firsts f
      join operator_firsts fo on fo.source_id = f.source_id and fo.operator_id = f.operator_id
      join sightings s on s.run_id = f.run_id and s.operator_id = f.operator_id and s.method_key = f.method_key
      join crawl_runs r on r.id = f.run_id
      join operators op on op.id = f.operator_id
      left join payment_methods m on m.code = s.method_code
     where f.run_id > fo.run_id
     group by f.run_id, f.source_id, r.started_at, f.operator_id, op.platform, op.name, f.method_key, s.method_code, m.is_domestic`.execute(db);
  for (const table of ['run_new_payment_methods', 'operator_method_firsts', 'operator_source_firsts', 'catalog_versions']) {
    await db.schema.dropTable(table).execute();
  }
}
