import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { writeComments, type SchemaComments } from './comments.ts';

/**
 * What the domestic-facing signals read instead of every observation of an
 * operator: per-operator aggregates of its history, into which each closed
 * run is folded once, when scoring first meets it (store/signals/fold-runs.ts),
 * so scoring a run costs in proportion to the run:
 *
 * - `score_folded_runs` — the runs already folded (each exactly once);
 * - `operator_listing_sightings` — per operator and listing: its latest
 *   runs and observations, and its latest order count (`cny_listings`,
 *   `cny_order_volume`);
 * - `operator_method_sightings` — per operator and accepted payment
 *   method (`domestic_payment_rails`);
 * - `operator_text_sightings` — per operator and distinct name or terms
 *   text (`han_script`, `domestic_contact`: the regular expressions still
 *   run when scoring, over these distinct texts);
 * - `operator_daytime_sightings` — per operator: runs, runs in mainland
 *   daytime, hours (`mainland_daytime`);
 * - `operator_source_sightings` — per operator and source: the latest run
 *   that saw it (`offshore_platform`).
 *
 * Id lists keep what the evidence names: every listing, the 10 most recent
 * runs and observations. `array_cat_agg` concatenates arrays of any
 * lengths, which `array_agg` refuses. The closed runs already stored are
 * backfilled here from the history, as the signals computed it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create aggregate array_cat_agg(anycompatiblearray) (sfunc = array_cat, stype = anycompatiblearray)`.execute(db);

  await db.schema
    .createTable('score_folded_runs')
    .addColumn('run_id', 'integer', (c) => c.primaryKey().references('crawl_runs.id').onDelete('cascade'))
    .addColumn('folded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('operator_listing_sightings')
    .addColumn('operator_id', 'integer', (c) => c.notNull().references('operators.id').onDelete('cascade'))
    .addColumn('listing_id', 'integer', (c) => c.notNull().references('listings.id'))
    .$call(idLists)
    .addColumn('orders', 'integer')
    .addColumn('orders_basis', 'text', (c) => c.check(sql`orders_basis in ('month_order_count', 'order_count')`))
    .addColumn('orders_run_id', 'integer')
    .addColumn('orders_observation_id', 'bigint')
    .addPrimaryKeyConstraint('operator_listing_sightings_pk', ['operator_id', 'listing_id'])
    .execute();
  await db.schema
    .createTable('operator_method_sightings')
    .addColumn('operator_id', 'integer', (c) => c.notNull().references('operators.id').onDelete('cascade'))
    .addColumn('method_code', 'text', (c) => c.notNull().references('payment_methods.code').onDelete('cascade'))
    .addColumn('raw_texts', sql`text[]`, (c) => c.notNull())
    .addColumn('listing_ids', sql`integer[]`, (c) => c.notNull())
    .$call(idLists)
    .addPrimaryKeyConstraint('operator_method_sightings_pk', ['operator_id', 'method_code'])
    .execute();
  await db.schema
    .createTable('operator_text_sightings')
    .addColumn('operator_id', 'integer', (c) => c.notNull().references('operators.id').onDelete('cascade'))
    .addColumn('field', 'text', (c) => c.notNull().check(sql`field in ('name', 'terms')`))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('listing_ids', sql`integer[]`, (c) => c.notNull())
    .$call(idLists)
    .execute();
  // By the text's md5: terms can outgrow a b-tree entry.
  await sql`create unique index operator_text_sightings_key on operator_text_sightings (operator_id, field, md5(text))`.execute(db);
  await db.schema
    .createTable('operator_daytime_sightings')
    .addColumn('operator_id', 'integer', (c) => c.primaryKey().references('operators.id').onDelete('cascade'))
    .addColumn('runs', 'integer', (c) => c.notNull())
    .addColumn('daytime_runs', 'integer', (c) => c.notNull())
    .addColumn('hours_utc8', sql`integer[]`, (c) => c.notNull())
    .addColumn('daytime_run_ids', sql`integer[]`, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('operator_source_sightings')
    .addColumn('operator_id', 'integer', (c) => c.notNull().references('operators.id').onDelete('cascade'))
    .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('last_run_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('operator_source_sightings_pk', ['operator_id', 'source_id'])
    .execute();

  await backfill(db);
  await writeComments(db, COMMENTS);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['operator_source_sightings', 'operator_daytime_sightings', 'operator_text_sightings', 'operator_method_sightings', 'operator_listing_sightings', 'score_folded_runs']) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop aggregate array_cat_agg(anycompatiblearray)`.execute(db);
}

/** The `run_ids` and `observation_ids` columns: the 10 most recent, newest first. */
function idLists<T extends string, C extends string>(table: CreateTableBuilder<T, C>) {
  return table.addColumn('run_ids', sql`integer[]`, (c) => c.notNull()).addColumn('observation_ids', sql`bigint[]`, (c) => c.notNull());
}

/** Every closed run's observations, aggregated at once (a run still running is folded when it closes). */
async function backfill(db: Kysely<any>): Promise<void> {
  const recent = (column: string) => sql.raw(`(array_agg(distinct ${column} order by ${column} desc))[1:10]`);
  const closedObservations = sql`(select o.* from listing_observations o join crawl_runs r on r.id = o.run_id and r.status <> 'running')`;
  await sql`
    insert into operator_listing_sightings (operator_id, listing_id, run_ids, observation_ids, orders, orders_basis, orders_run_id, orders_observation_id)
    select s.operator_id, s.listing_id, s.run_ids, s.observation_ids, c.orders, c.basis, c.run_id, c.id
      from (select operator_id, listing_id, ${recent('run_id')} as run_ids, ${recent('id')} as observation_ids
              from ${closedObservations} o group by 1, 2) s
      left join (
        select distinct on (operator_id, listing_id) operator_id, listing_id, id, run_id,
               coalesce(month_order_count, order_count) as orders,
               case when month_order_count is not null then 'month_order_count' else 'order_count' end as basis
          from ${closedObservations} o where coalesce(month_order_count, order_count) is not null
         order by operator_id, listing_id, run_id desc
      ) c on c.operator_id = s.operator_id and c.listing_id = s.listing_id`.execute(db);
  await sql`
    insert into operator_method_sightings (operator_id, method_code, raw_texts, listing_ids, run_ids, observation_ids)
    select o.operator_id, pm.method_code, array_agg(distinct pm.raw_text order by pm.raw_text),
           array_agg(distinct o.listing_id order by o.listing_id), ${recent('o.run_id')}, ${recent('o.id')}
      from ${closedObservations} o
      join listing_payment_methods pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id and pm.stance = 'accepted' and pm.method_code is not null
     group by 1, 2`.execute(db);
  await sql`
    insert into operator_text_sightings (operator_id, field, text, listing_ids, run_ids, observation_ids)
    select operator_id, field, text, array_agg(distinct listing_id order by listing_id), ${recent('run_id')}, ${recent('observation_id')}
      from (select operator_id, 'name' as field, operator_name as text, listing_id, run_id, id as observation_id from ${closedObservations} o
            union all
            select operator_id, 'terms', terms, listing_id, run_id, id from ${closedObservations} o where terms is not null) t
     group by 1, 2, 3`.execute(db);
  // Mainland daytime as the signal reads it at this version: 09:00 up to 23:00 in UTC+8.
  await sql`
    insert into operator_daytime_sightings (operator_id, runs, daytime_runs, hours_utc8, daytime_run_ids)
    select operator_id, count(*), count(*) filter (where hour between 9 and 22), array_agg(distinct hour order by hour),
           coalesce((array_agg(run_id order by run_id desc) filter (where hour between 9 and 22))[1:10], '{}')
      from (select operator_id, run_id, extract(hour from (min(observed_at) at time zone 'UTC') + interval '8 hours')::int as hour
              from ${closedObservations} o group by 1, 2) s
     group by 1`.execute(db);
  await sql`
    insert into operator_source_sightings (operator_id, source_id, last_run_id)
    select o.operator_id, r.source_id, max(o.run_id) from ${closedObservations} o join crawl_runs r on r.id = o.run_id group by 1, 2`.execute(db);
  await sql`insert into score_folded_runs (run_id) select id from crawl_runs where status <> 'running'`.execute(db);
}

const RECENT_RUNS = 'crawl_runs.id of the 10 most recent runs that saw it, newest first';
const RECENT_OBSERVATIONS = 'listing_observations.id of the 10 most recent observations of it, newest first';

const COMMENTS: SchemaComments = {
  score_folded_runs: {
    '': 'The closed runs whose observations the score aggregates (operator_*_sightings) hold: each is folded once, when scoring first meets it.',
    run_id: 'crawl_runs.id',
    folded_at: 'when it was folded',
  },
  operator_listing_sightings: {
    '': 'Per operator and listing, what the folded runs saw of it (read by the cny_listings and cny_order_volume signals).',
    operator_id: 'operators.id',
    listing_id: 'listings.id',
    run_ids: RECENT_RUNS,
    observation_ids: RECENT_OBSERVATIONS,
    orders: 'orders reported by its latest observation that reports a count: the monthly count when given, else the lifetime one',
    orders_basis: 'month_order_count or order_count: which count orders is',
    orders_run_id: 'crawl_runs.id of that observation',
    orders_observation_id: 'listing_observations.id of that observation',
  },
  operator_method_sightings: {
    '': 'Per operator and payment method its listings accepted, what the folded runs saw (read by the domestic_payment_rails signal).',
    operator_id: 'operators.id',
    method_code: 'payment_methods.code',
    raw_texts: "the platform's spellings seen",
    listing_ids: 'listings.id that carried it',
    run_ids: RECENT_RUNS,
    observation_ids: RECENT_OBSERVATIONS,
  },
  operator_text_sightings: {
    '': "Per operator, each distinct name and listing terms text the folded runs saw (read by the han_script and domestic_contact signals).",
    operator_id: 'operators.id',
    field: 'name (the operator name shown) or terms (a listing\'s terms)',
    text: 'the text, in full (seller-written)',
    listing_ids: 'listings.id whose observations carried it',
    run_ids: RECENT_RUNS,
    observation_ids: RECENT_OBSERVATIONS,
  },
  operator_daytime_sightings: {
    '': 'Per operator, the folded runs that saw it by the hour (UTC+8) of its first observation in each (read by the mainland_daytime signal).',
    operator_id: 'operators.id',
    runs: 'runs that saw it',
    daytime_runs: 'of those, runs that first saw it in mainland daytime (09:00-22:59 UTC+8)',
    hours_utc8: 'the distinct hours (UTC+8) it was first seen at in a run',
    daytime_run_ids: 'crawl_runs.id of the 10 most recent daytime runs, newest first',
  },
  operator_source_sightings: {
    '': 'Per operator and source that saw it, the latest folded run that did (read by the offshore_platform signal).',
    operator_id: 'operators.id',
    source_id: 'sources.id',
    last_run_id: 'crawl_runs.id of the latest run of the source that saw it',
  },
};
