import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { writeComments, type SchemaComments } from './comments.ts';
import * as scoreAggregates from './0013-score-aggregates.ts';
import * as textMatches from './0015-text-matches.ts';

/**
 * Score aggregates that change only when what they say changes, so a
 * scoring pass writes what the run changed, not a row per operator and
 * signal (store/signals/fold-runs.ts):
 *
 * - evidence names each listing, method and text by its first sighting
 *   (`first_run_id`, `first_observation_id`), which a later run never
 *   moves, where it named the 10 most recent, which every run moved;
 * - `operator_listing_sightings` keeps whether the listing quotes CNY;
 *   its latest order count moves to `operator_run_sightings`, one row per
 *   operator with its run counts (was `operator_daytime_sightings`): the
 *   two facts every run changes, in one row;
 * - `operator_source_sightings` is the set of sources that saw the
 *   operator: `offshore_platform` reads each source's latest located run.
 *
 * The aggregates start empty and `score_folded_runs` is cleared, so the
 * next scoring pass folds the stored closed runs again with the code's
 * folds (one pass over the history, once); the `scoring` catalog version
 * is dropped, so that pass rescores the operators it covers in full.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['operator_source_sightings', 'operator_daytime_sightings', 'operator_text_sightings', 'operator_method_sightings', 'operator_listing_sightings']) {
    await db.schema.dropTable(table).execute();
  }
  await db.deleteFrom('score_folded_runs').execute();
  await db.deleteFrom('catalog_versions').where('name', '=', 'scoring').execute();

  await db.schema
    .createTable('operator_listing_sightings')
    .$call(ofOperator)
    .addColumn('listing_id', 'integer', (c) => c.notNull().references('listings.id'))
    .addColumn('cny', 'boolean', (c) => c.notNull())
    .$call(firstSighting)
    .addPrimaryKeyConstraint('operator_listing_sightings_pk', ['operator_id', 'listing_id'])
    .execute();
  await db.schema
    .createTable('operator_method_sightings')
    .$call(ofOperator)
    .addColumn('method_code', 'text', (c) => c.notNull().references('payment_methods.code').onDelete('cascade'))
    .addColumn('raw_texts', sql`text[]`, (c) => c.notNull())
    .addColumn('listing_ids', sql`integer[]`, (c) => c.notNull())
    .$call(firstSighting)
    .addPrimaryKeyConstraint('operator_method_sightings_pk', ['operator_id', 'method_code'])
    .execute();
  await db.schema
    .createTable('operator_text_sightings')
    .$call(ofOperator)
    .addColumn('field', 'text', (c) => c.notNull().check(sql`field in ('name', 'terms')`))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('listing_ids', sql`integer[]`, (c) => c.notNull())
    .$call(firstSighting)
    .addColumn('contacts', 'jsonb')
    .addColumn('han', 'text')
    .execute();
  // By the text's md5: terms can outgrow a b-tree entry.
  await sql`create unique index operator_text_sightings_key on operator_text_sightings (operator_id, field, md5(text))`.execute(db);
  await sql`create index operator_text_sightings_unmatched on operator_text_sightings (operator_id) where contacts is null`.execute(db);
  await db.schema
    .createTable('operator_run_sightings')
    .addColumn('operator_id', 'integer', (c) => c.primaryKey().references('operators.id').onDelete('cascade'))
    .addColumn('runs', 'integer', (c) => c.notNull())
    .addColumn('daytime_runs', 'integer', (c) => c.notNull())
    .addColumn('hours_utc8', sql`integer[]`, (c) => c.notNull())
    .addColumn('daytime_run_ids', sql`integer[]`, (c) => c.notNull())
    .addColumn('orders', 'integer')
    .addColumn('orders_basis', 'text', (c) => c.check(sql`orders_basis in ('month_order_count', 'order_count')`))
    .addColumn('orders_listing_id', 'integer')
    .addColumn('orders_run_id', 'integer')
    .addColumn('orders_observation_id', 'bigint')
    .execute();
  await db.schema
    .createTable('operator_source_sightings')
    .$call(ofOperator)
    .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('operator_source_sightings_pk', ['operator_id', 'source_id'])
    .execute();
  await writeComments(db, COMMENTS);
}

/** Back to the 0013 + 0015 aggregates, rebuilt from the history as 0013 builds them. */
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['operator_source_sightings', 'operator_run_sightings', 'operator_text_sightings', 'operator_method_sightings', 'operator_listing_sightings', 'score_folded_runs']) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop aggregate array_cat_agg(anycompatiblearray)`.execute(db);
  await db.deleteFrom('catalog_versions').where('name', '=', 'scoring').execute();
  await scoreAggregates.up(db);
  await textMatches.up(db);
}

/** `operator_id`: whose aggregate the row is (deleted with the operator). */
function ofOperator<T extends string, C extends string>(table: CreateTableBuilder<T, C>) {
  return table.addColumn('operator_id', 'integer', (c) => c.notNull().references('operators.id').onDelete('cascade'));
}

/** `first_run_id` and `first_observation_id`: the earliest run that saw it, and its observation there. */
function firstSighting<T extends string, C extends string>(table: CreateTableBuilder<T, C>) {
  return table.addColumn('first_run_id', 'integer', (c) => c.notNull()).addColumn('first_observation_id', 'bigint', (c) => c.notNull());
}

const FIRST_RUN = 'crawl_runs.id of the earliest folded run that saw it';
const FIRST_OBSERVATION = 'listing_observations.id of its observation in that run';
const TEXT_MATCHES = textMatches.COMMENTS.operator_text_sightings;

const COMMENTS: SchemaComments = {
  operator_listing_sightings: {
    '': 'Per operator and listing, what the folded runs saw of it (read by the cny_listings signal).',
    operator_id: 'operators.id',
    listing_id: 'listings.id',
    cny: 'the listing quotes CNY',
    first_run_id: FIRST_RUN,
    first_observation_id: FIRST_OBSERVATION,
  },
  operator_method_sightings: {
    '': 'Per operator and payment method its listings accepted, what the folded runs saw (read by the domestic_payment_rails signal).',
    operator_id: 'operators.id',
    method_code: 'payment_methods.code',
    raw_texts: "the platform's spellings seen",
    listing_ids: 'listings.id that carried it',
    first_run_id: FIRST_RUN,
    first_observation_id: FIRST_OBSERVATION,
  },
  operator_text_sightings: {
    '': 'Per operator, each distinct name and listing terms text the folded runs saw (read by the han_script and domestic_contact signals).',
    operator_id: 'operators.id',
    field: "name (the operator name shown) or terms (a listing's terms)",
    text: 'the text, in full (seller-written)',
    listing_ids: 'listings.id whose observations carried it',
    first_run_id: FIRST_RUN,
    first_observation_id: FIRST_OBSERVATION,
    ...TEXT_MATCHES,
  },
  operator_run_sightings: {
    '': 'Per operator, what its folded runs said last or in sum (read by the mainland_daytime and cny_order_volume signals).',
    operator_id: 'operators.id',
    runs: 'runs that saw it',
    daytime_runs: 'of those, runs that first saw it in mainland daytime (09:00-22:59 UTC+8)',
    hours_utc8: 'the distinct hours (UTC+8) it was first seen at in a run',
    daytime_run_ids: 'crawl_runs.id of the 10 most recent daytime runs, newest first',
    orders: 'orders reported by its latest CNY observation that reports a count: the monthly count when given, else the lifetime one',
    orders_basis: 'month_order_count or order_count: which count orders is',
    orders_listing_id: 'listings.id of that observation',
    orders_run_id: 'crawl_runs.id of that observation',
    orders_observation_id: 'listing_observations.id of that observation',
  },
  operator_source_sightings: {
    '': 'The sources whose folded runs saw the operator (read by the offshore_platform signal).',
    operator_id: 'operators.id',
    source_id: 'sources.id',
  },
};
