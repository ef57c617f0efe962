import { sql, type Kysely } from 'kysely';
import * as investigatorViews from './0004-investigator-views.ts';

/**
 * Listings read in context (issue 12):
 *
 * - `listing_observations.price` may be null — a negotiable price
 *   (`price_negotiable`, 面议) or an unreadable one (a parse failure says
 *   why) — so one bad field no longer costs the listing and its seller;
 * - `listing_payment_methods.stance` (`accepted` / `refused`) and `source`
 *   (`structured` / `icon` / `text`): refusals (不收支付宝) are stored and
 *   queryable, and only accepted methods count anywhere;
 * - `parse_failures.observation_id`: a field that did not read, or text
 *   that was cleaned, points at the observation it belongs to;
 * - the investigator views list accepted methods only (`payment_methods`),
 *   and `v_listing_history` / `v_current_listings` gain
 *   `refused_payment_methods` and `price_negotiable`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('listing_observations').alterColumn('price', (c) => c.dropNotNull()).execute();
  await db.schema.alterTable('listing_observations').addColumn('price_negotiable', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await db.schema
    .alterTable('listing_payment_methods')
    .addColumn('stance', 'text', (c) => c.notNull().defaultTo('accepted').check(sql`stance in ('accepted', 'refused')`))
    .execute();
  await db.schema
    .alterTable('listing_payment_methods')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('structured').check(sql`source in ('structured', 'icon', 'text')`))
    .execute();
  await db.schema
    .alterTable('parse_failures')
    .addColumn('observation_id', 'bigint', (c) => c.references('listing_observations.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('parse_failures_observation').on('parse_failures').column('observation_id').where(sql.ref('observation_id'), 'is not', null).execute();

  // `create or replace` keeps every column where it was and appends the new ones, so queries written against 0004 still work.
  await sql`
    create or replace view v_listing_history as
    select o.run_id, r.source_id, r.status as run_status, o.observed_at,
           l.platform, l.platform_key as listing_key, o.listing_id,
           o.operator_id, o.operator_name, l.side, l.asset, l.fiat,
           o.price, o.available, o.min_order, o.max_order,
           ${methodKeys('accepted')} as payment_methods,
           o.terms, o.completion_rate, o.order_count, o.month_order_count, o.evidence_id,
           ${methodKeys('refused')} as refused_payment_methods,
           o.price_negotiable
      from listing_observations o
      join crawl_runs r on r.id = o.run_id
      join listings l on l.id = o.listing_id`.execute(db);
  await sql`
    create or replace view v_current_listings as
    with latest as (
      select distinct on (source_id) id, source_id
        from crawl_runs
       where status in ('complete', 'partial')
       order by source_id, id desc
    )
    select h.* from latest join v_listing_history h on h.run_id = latest.id`.execute(db);
  await sql`
    create or replace view v_operator_payment_timeline as
    select op.id as operator_id, op.platform, op.platform_key as operator_key, op.name as operator_name,
           o.run_id, r.source_id, r.started_at as run_started_at,
           pm.method_key, pm.method_code, coalesce(m.is_domestic, false) as is_domestic,
           count(*)::int as listings,
           array_agg(distinct pm.raw_text) as raw_texts
      from listing_observations o
      join crawl_runs r on r.id = o.run_id
      join operators op on op.id = o.operator_id
      join listing_payment_methods pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id and pm.stance = 'accepted'
      left join payment_methods m on m.code = pm.method_code
     group by op.id, o.run_id, r.source_id, r.started_at, pm.method_key, pm.method_code, m.is_domestic`.execute(db);
  await sql`
    create or replace view v_new_payment_methods as
    with sightings as (
      select r.source_id, o.operator_id, o.run_id, o.listing_id, pm.method_key, pm.method_code, pm.raw_text
        from listing_observations o
        join crawl_runs r on r.id = o.run_id
        join listing_payment_methods pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id and pm.stance = 'accepted'
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
}

export async function down(db: Kysely<any>): Promise<void> {
  // The views of 0004 exactly as they were: dropped (they depend on the columns below) and made again by 0004 itself.
  await investigatorViews.down(db);
  await db.schema.dropIndex('parse_failures_observation').execute();
  await db.schema.alterTable('parse_failures').dropColumn('observation_id').execute();
  await db.schema.alterTable('listing_payment_methods').dropColumn('source').dropColumn('stance').execute();
  // A null price has no value to go back to; those observations cannot be kept under the old schema.
  await sql`delete from listing_observations where price is null`.execute(db);
  await db.schema.alterTable('listing_observations').dropColumn('price_negotiable').execute();
  await db.schema.alterTable('listing_observations').alterColumn('price', (c) => c.setNotNull()).execute();
  await investigatorViews.up(db);
}

/** A listing's method keys of one stance in its observation's run, sorted. */
function methodKeys(stance: 'accepted' | 'refused') {
  return sql`array(select pm.method_key from listing_payment_methods pm
                    where pm.run_id = o.run_id and pm.listing_id = o.listing_id and pm.stance = ${sql.lit(stance)}
                    order by pm.method_key)`;
}
