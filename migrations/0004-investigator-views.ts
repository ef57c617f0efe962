import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * Views for investigators, documented with example queries in the README
 * ("Views for investigators"):
 *
 * - `v_listing_history` — every observation of every listing, with its
 *   run, source, listing attributes and payment methods (`text[]`);
 * - `v_current_listings` — the same rows for the latest complete-or-partial
 *   run of each source only;
 * - `v_operator_payment_timeline` — per operator, run and payment method:
 *   how many of the operator's listings carried it and how it was spelled;
 * - `v_new_payment_methods` — per run, the methods an operator carried for
 *   the first time on that source, when it had been seen there before;
 * - `v_domestic_facing_operators` — operators whose score crossed the
 *   threshold, with their signals (JSON array, strongest first).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create view v_listing_history as ${listingHistory(sql.raw('listing_payment_methods'))}`.execute(db);
  await sql`create view v_current_listings as ${CURRENT_LISTINGS}`.execute(db);
  await sql`create view v_operator_payment_timeline as ${operatorPaymentTimeline(sql.raw('listing_payment_methods'))}`.execute(db);
  await sql`create view v_new_payment_methods as ${newPaymentMethods(sql.raw('listing_payment_methods'))}`.execute(db);

  await sql`
    create view v_domestic_facing_operators as
    select s.operator_id, op.platform, op.platform_key as operator_key, op.name as operator_name,
           s.score, s.run_id, s.computed_at,
           (select jsonb_agg(jsonb_build_object('signal', g.signal, 'weight', g.weight, 'strength', g.strength,
                                                'points', g.points, 'evidence', g.evidence)
                             order by g.points desc, g.signal)
              from operator_signals g
             where g.operator_id = s.operator_id and g.points > 0) as signals
      from operator_scores s
      join operators op on op.id = s.operator_id
     where s.domestic_facing`.execute(db);
}

/*
 * The view bodies below read a listing's payment methods from `methods`, a
 * relation shaped like `listing_payment_methods`: that table here, and only
 * its accepted rows from migration 0006 on. Changing them changes what this
 * migration creates: add a new migration instead.
 */

/**
 * Body of `v_listing_history`; `extra` columns are appended (a view replaced
 * with `create or replace` keeps its columns and may only add more).
 */
export function listingHistory(methods: RawBuilder<unknown>, extra: RawBuilder<unknown> = sql``): RawBuilder<unknown> {
  return sql`
    select o.run_id, r.source_id, r.status as run_status, o.observed_at,
           l.platform, l.platform_key as listing_key, o.listing_id,
           o.operator_id, o.operator_name, l.side, l.asset, l.fiat,
           o.price, o.available, o.min_order, o.max_order,
           array(select pm.method_key from ${methods} pm
                  where pm.run_id = o.run_id and pm.listing_id = o.listing_id
                  order by pm.method_key) as payment_methods,
           o.terms, o.completion_rate, o.order_count, o.month_order_count, o.evidence_id${extra}
      from listing_observations o
      join crawl_runs r on r.id = o.run_id
      join listings l on l.id = o.listing_id`;
}

/** Body of `v_current_listings`: `v_listing_history` for the latest complete-or-partial run of each source. */
export const CURRENT_LISTINGS = sql`
    with latest as (
      select distinct on (source_id) id, source_id
        from crawl_runs
       where status in ('complete', 'partial')
       order by source_id, id desc
    )
    select h.* from latest join v_listing_history h on h.run_id = latest.id`;

/** Body of `v_operator_payment_timeline`. */
export function operatorPaymentTimeline(methods: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select op.id as operator_id, op.platform, op.platform_key as operator_key, op.name as operator_name,
           o.run_id, r.source_id, r.started_at as run_started_at,
           pm.method_key, pm.method_code, coalesce(m.is_domestic, false) as is_domestic,
           count(*)::int as listings,
           array_agg(distinct pm.raw_text) as raw_texts
      from listing_observations o
      join crawl_runs r on r.id = o.run_id
      join operators op on op.id = o.operator_id
      join ${methods} pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id
      left join payment_methods m on m.code = pm.method_code
     group by op.id, o.run_id, r.source_id, r.started_at, pm.method_key, pm.method_code, m.is_domestic`;
}

/** Body of `v_new_payment_methods`. */
export function newPaymentMethods(methods: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    with sightings as (
      select r.source_id, o.operator_id, o.run_id, o.listing_id, pm.method_key, pm.method_code, pm.raw_text
        from listing_observations o
        join crawl_runs r on r.id = o.run_id
        join ${methods} pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id
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
     group by f.run_id, f.source_id, r.started_at, f.operator_id, op.platform, op.name, f.method_key, s.method_code, m.is_domestic`;
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const view of ['v_domestic_facing_operators', 'v_new_payment_methods', 'v_operator_payment_timeline', 'v_current_listings', 'v_listing_history']) {
    await db.schema.dropView(view).execute();
  }
}
