import { sql, type Kysely } from 'kysely';
import { writeComments, type SchemaComments } from './comments.ts';
import { LISTING_HISTORY_0006 } from './0006-listings-in-context.ts';
import { CURRENT_LISTINGS_0014 } from './0014-current-listings-by-run.ts';

/**
 * Each observation carries its accepted and refused method keys
 * (`payment_methods`, `refused_payment_methods`, written with the row by
 * the snapshot writer), so `v_listing_history` and `v_current_listings`
 * read one row per observation instead of aggregating
 * `listing_payment_methods`: the README's current-listings query took
 * 0.4 s at 10 million observations aggregating the latest run's method
 * rows, whatever it kept. Arrays are in code-point order (`collate "C"`,
 * which the writer's sort matches on every engine). Columns, their order
 * and their meanings are unchanged; `listing_payment_methods` stays what
 * the diff, timeline and scores read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('listing_observations')
    .addColumn('payment_methods', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('refused_payment_methods', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
  await sql`
    update listing_observations o
       set payment_methods = m.accepted, refused_payment_methods = m.refused
      from (select run_id, listing_id,
                   coalesce(array_agg(method_key order by method_key collate "C") filter (where stance = 'accepted'), '{}') as accepted,
                   coalesce(array_agg(method_key order by method_key collate "C") filter (where stance = 'refused'), '{}') as refused
              from listing_payment_methods group by 1, 2) m
     where m.run_id = o.run_id and m.listing_id = o.listing_id`.execute(db);
  await sql`create or replace view v_listing_history as ${OBSERVATIONS_IN_CONTEXT} where r.status <> 'running'`.execute(db);
  await sql`create or replace view v_current_listings as
    with latest as (
      select distinct on (source_id) id from crawl_runs where status in ('complete', 'partial') order by source_id, id desc
    )
    ${OBSERVATIONS_IN_CONTEXT} join latest on latest.id = o.run_id`.execute(db);
  await writeComments(db, COMMENTS);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create or replace view v_listing_history as ${LISTING_HISTORY_0006}`.execute(db);
  await sql`create or replace view v_current_listings as ${CURRENT_LISTINGS_0014}`.execute(db);
  await db.schema.alterTable('listing_observations').dropColumn('payment_methods').dropColumn('refused_payment_methods').execute();
}

/** The columns both views show, in their order, from an observation `o` with its run `r` and listing `l`. */
const OBSERVATIONS_IN_CONTEXT = sql`
    select o.run_id, r.source_id, r.status as run_status, o.observed_at,
           l.platform, l.platform_key as listing_key, o.listing_id,
           o.operator_id, o.operator_name, l.side, l.asset, l.fiat,
           o.price, o.available, o.min_order, o.max_order, o.payment_methods,
           o.terms, o.completion_rate, o.order_count, o.month_order_count, o.evidence_id,
           o.refused_payment_methods, o.price_negotiable
      from listing_observations o
      join crawl_runs r on r.id = o.run_id
      join listings l on l.id = o.listing_id`;

const COMMENTS: SchemaComments = {
  listing_observations: {
    payment_methods: "the sighting's accepted method keys (its listing_payment_methods rows of stance accepted), distinct, in code-point order",
    refused_payment_methods: "the sighting's refused method keys, distinct, in code-point order",
  },
};
