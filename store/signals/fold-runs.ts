import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.ts';
import { MAINLAND_DAYTIME } from './mainland-daytime.ts';
import { recentOf, setOf } from './signal-query.ts';
import { matchNewTexts } from './text-matches.ts';

/** The per-operator aggregates a fold writes, by what they hold (tables `operator_<name>_sightings`, migration 0017). */
export type Aggregate = 'listing' | 'method' | 'text' | 'run' | 'source';

/** What `foldClosedRuns` did: the runs it folded, and per aggregate the operators whose rows it changed. */
export interface FoldedRuns {
  runIds: number[];
  changed: Record<Aggregate, number[]>;
}

/**
 * Folds every closed run not folded yet into the per-operator aggregates
 * the signals read (`operator_*_sightings`), and answers which runs it
 * folded — usually just the run being scored, so the work follows that
 * run's observations, never the history — and whose aggregates changed:
 * a row is written only when the run adds to it (a listing, spelling or
 * text first seen, an earlier first sighting, a run counted), so the
 * signals are recomputed for those operators only. A run is folded exactly
 * once — `score_folded_runs` claims it in the same transaction, and a
 * concurrent pass waits on the claim and then skips the run — so scoring a
 * run again changes nothing. A run still running is left until it closes
 * (its pages may still be replaced). Texts new to the aggregates are then
 * read by the patterns once (`matchNewTexts`).
 *
 * @example
 * await db.transaction().execute(async (trx) => foldClosedRuns(trx)); // { runIds: [7], changed: { run: [1, 2, …], text: [2], … } }
 */
export async function foldClosedRuns(db: Kysely<Database>): Promise<FoldedRuns> {
  const claimed = await sql<{ run_id: number }>`
    insert into score_folded_runs (run_id)
    select id from crawl_runs r
     where status <> 'running' and not exists (select 1 from score_folded_runs f where f.run_id = r.id)
     order by id
    on conflict do nothing
    returning run_id`.execute(db);
  const runIds = claimed.rows.map((r) => r.run_id);
  const changed = { listing: [], method: [], text: [], run: [], source: [] } as Record<Aggregate, number[]>;
  if (runIds.length > 0) {
    for (const [aggregate, fold] of Object.entries(FOLDS) as [Aggregate, Fold][]) changed[aggregate] = await operatorsChangedBy(db, fold(runIds));
  }
  changed.text = [...new Set([...changed.text, ...(await matchNewTexts(db))])];
  return { runIds, changed };
}

/** An upsert into one aggregate, `returning operator_id` of the rows it wrote. */
type Fold = (runIds: number[]) => RawBuilder<unknown>;

async function operatorsChangedBy(db: Kysely<Database>, upsert: RawBuilder<unknown>): Promise<number[]> {
  const rows = await sql<{ operator_id: number }>`with written as (${upsert}) select distinct operator_id from written`.execute(db);
  return rows.rows.map((r) => r.operator_id);
}

/** SQL: the observations of the runs being folded. */
function observationsOf(runIds: number[]): RawBuilder<unknown> {
  return sql`select * from listing_observations where run_id = any(${runIds}::int[])`;
}

/** SQL aggregate: the earliest (run, observation) of the group as a `bigint[2]`, `[1]` the run and `[2]` the observation. */
function earliest(runColumn: string, idColumn: string): RawBuilder<unknown> {
  return sql`min(array[${sql.ref(runColumn)}::bigint, ${sql.ref(idColumn)}])`;
}

/** SQL condition: the fold brings an earlier first sighting than the row (target `t`) holds. */
const EARLIER_FIRST_SIGHTING = sql`(excluded.first_run_id, excluded.first_observation_id) < (t.first_run_id, t.first_observation_id)`;

/** SQL: the first-sighting columns of a row merged with a fold's (`excluded`): the earlier wins. */
function mergedFirstSighting(): RawBuilder<unknown> {
  return sql`first_run_id = case when ${EARLIER_FIRST_SIGHTING} then excluded.first_run_id else t.first_run_id end,
         first_observation_id = case when ${EARLIER_FIRST_SIGHTING} then excluded.first_observation_id else t.first_observation_id end`;
}

/** Each listing: whether it quotes CNY, and its first sighting. */
const foldListings: Fold = (runIds) => sql`
  insert into operator_listing_sightings as t (operator_id, listing_id, cny, first_run_id, first_observation_id)
  select s.operator_id, s.listing_id, l.fiat = 'CNY', s.first[1], s.first[2]
    from (select operator_id, listing_id, ${earliest('run_id', 'id')} as first from (${observationsOf(runIds)}) o group by 1, 2) s
    join listings l on l.id = s.listing_id
  on conflict (operator_id, listing_id) do update
     set cny = excluded.cny, ${mergedFirstSighting()}
   where t.cny <> excluded.cny or ${EARLIER_FIRST_SIGHTING}
  returning t.operator_id`;

/** Each accepted payment method with a code: its spellings, listings and first sighting. */
const foldMethods: Fold = (runIds) => sql`
  insert into operator_method_sightings as t (operator_id, method_code, raw_texts, listing_ids, first_run_id, first_observation_id)
  select operator_id, method_code, raw_texts, listing_ids, first[1], first[2]
    from (select o.operator_id, pm.method_code, array_agg(distinct pm.raw_text order by pm.raw_text) as raw_texts,
                 array_agg(distinct o.listing_id order by o.listing_id) as listing_ids, ${earliest('o.run_id', 'o.id')} as first
            from (${observationsOf(runIds)}) o
            join listing_payment_methods pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id and pm.stance = 'accepted' and pm.method_code is not null
           group by 1, 2) m
  on conflict (operator_id, method_code) do update
     set raw_texts = ${setOf(sql`t.raw_texts || excluded.raw_texts`)},
         listing_ids = ${setOf(sql`t.listing_ids || excluded.listing_ids`)},
         ${mergedFirstSighting()}
   where not (excluded.raw_texts <@ t.raw_texts and excluded.listing_ids <@ t.listing_ids) or ${EARLIER_FIRST_SIGHTING}
  returning t.operator_id`;

/** Each distinct text an operator showed — its name and its listings' terms — with the listings that carried it and its first sighting. */
const foldTexts: Fold = (runIds) => sql`
  with seen as (${observationsOf(runIds)})
  insert into operator_text_sightings as t (operator_id, field, text, listing_ids, first_run_id, first_observation_id)
  select operator_id, field, text, listing_ids, first[1], first[2]
    from (select operator_id, field, text, array_agg(distinct listing_id order by listing_id) as listing_ids, ${earliest('run_id', 'observation_id')} as first
            from (select operator_id, 'name' as field, operator_name as text, listing_id, run_id, id as observation_id from seen
                  union all
                  select operator_id, 'terms', terms, listing_id, run_id, id from seen where terms is not null) texts
           group by 1, 2, 3) g
  on conflict (operator_id, field, md5(text)) do update
     set listing_ids = ${setOf(sql`t.listing_ids || excluded.listing_ids`)}, ${mergedFirstSighting()}
   where not excluded.listing_ids <@ t.listing_ids or ${EARLIER_FIRST_SIGHTING}
  returning t.operator_id`;

/**
 * Per operator, its runs and their latest order count: each run by the
 * hour (UTC+8) of its first observation in it, counted, and in mainland
 * daytime or not; and the count of its newest CNY observation that reports
 * one (the newest run's wins, then a monthly count, then the larger).
 */
const foldRuns: Fold = (runIds) => sql`
  with seen as (${observationsOf(runIds)}), sightings as (
    select operator_id, run_id, extract(hour from (min(observed_at) at time zone 'UTC') + interval '8 hours')::int as hour
      from seen group by 1, 2
  ), marked as (
    select *, hour >= ${MAINLAND_DAYTIME.fromHour}::int and hour < ${MAINLAND_DAYTIME.toHour}::int as daytime from sightings
  ), counted as (
    select distinct on (o.operator_id) o.operator_id, coalesce(o.month_order_count, o.order_count) as orders,
           case when o.month_order_count is not null then 'month_order_count' else 'order_count' end as basis,
           o.listing_id, o.run_id, o.id
      from seen o join listings l on l.id = o.listing_id and l.fiat = 'CNY'
     where coalesce(o.month_order_count, o.order_count) is not null
     order by o.operator_id, o.run_id desc, o.month_order_count is null, coalesce(o.month_order_count, o.order_count) desc, o.id desc
  )
  insert into operator_run_sightings as t (operator_id, runs, daytime_runs, hours_utc8, daytime_run_ids,
                                           orders, orders_basis, orders_listing_id, orders_run_id, orders_observation_id)
  select m.operator_id, m.runs, m.daytime_runs, m.hours_utc8, m.daytime_run_ids, c.orders, c.basis, c.listing_id, c.run_id, c.id
    from (select operator_id, count(*) as runs, count(*) filter (where daytime) as daytime_runs, array_agg(distinct hour order by hour) as hours_utc8,
                 ${recentOf(sql`array_agg(run_id) filter (where daytime)`)} as daytime_run_ids
            from marked group by operator_id) m
    left join counted c on c.operator_id = m.operator_id
  on conflict (operator_id) do update
     set runs = t.runs + excluded.runs, daytime_runs = t.daytime_runs + excluded.daytime_runs,
         hours_utc8 = ${setOf(sql`t.hours_utc8 || excluded.hours_utc8`)},
         daytime_run_ids = ${recentOf(sql`t.daytime_run_ids || excluded.daytime_run_ids`)},
         ${sql.join(
           ['orders', 'orders_basis', 'orders_listing_id', 'orders_run_id', 'orders_observation_id'].map(
             (column) => sql`${sql.ref(column)} = case when excluded.orders_run_id > coalesce(t.orders_run_id, 0) then excluded.${sql.ref(column)} else t.${sql.ref(column)} end`,
           ),
         )}
  returning t.operator_id`;

/** Each source that saw the operator. */
const foldSources: Fold = (runIds) => sql`
  insert into operator_source_sightings (operator_id, source_id)
  select distinct o.operator_id, r.source_id
    from (${observationsOf(runIds)}) o join crawl_runs r on r.id = o.run_id
  on conflict do nothing
  returning operator_id`;

const FOLDS: Record<Aggregate, Fold> = { listing: foldListings, method: foldMethods, text: foldTexts, run: foldRuns, source: foldSources };
