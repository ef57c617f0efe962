import { sql, type Kysely } from 'kysely';
import * as investigatorViews from './0004-investigator-views.ts';
import { CURRENT_LISTINGS, listingHistory, newPaymentMethods, operatorPaymentTimeline } from './0004-investigator-views.ts';

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
  await sql`create or replace view v_listing_history as ${LISTING_HISTORY_0006}`.execute(db);
  await sql`create or replace view v_current_listings as ${CURRENT_LISTINGS}`.execute(db);
  await sql`create or replace view v_operator_payment_timeline as ${operatorPaymentTimeline(ACCEPTED_CLOSED)}`.execute(db);
  await sql`create or replace view v_new_payment_methods as ${newPaymentMethods(ACCEPTED_CLOSED)}`.execute(db);
}

/** A listing's accepted methods: what the views count as its payment methods. */
const ACCEPTED = sql`(select * from listing_payment_methods where stance = 'accepted')`;

/** Body of `v_listing_history` as this migration makes it (0016 replaces it; its `down` restores this). */
export const LISTING_HISTORY_0006 = sql`${listingHistory(
  ACCEPTED,
  sql`,
           array(select pm.method_key from (select * from listing_payment_methods where stance = 'refused') pm
                  where pm.run_id = o.run_id and pm.listing_id = o.listing_id
                  order by pm.method_key) as refused_payment_methods,
           o.price_negotiable`,
)}
     where r.status <> 'running'`;

/** The same, of closed runs only: a running run's pages are stored as they are read (0005), and views show closed runs. */
const ACCEPTED_CLOSED = sql`(select pm.* from listing_payment_methods pm join crawl_runs r on r.id = pm.run_id where pm.stance = 'accepted' and r.status <> 'running')`;

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
