import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.ts';
import { MAINLAND_DAYTIME } from './mainland-daytime.ts';
import { recentIds, recentOf, setOf } from './signal-query.ts';
import { matchNewTexts } from './text-matches.ts';

/**
 * Folds every closed run not folded yet into the per-operator aggregates
 * the signals read (`operator_*_sightings`, migration 0013), and answers
 * which runs it folded: usually just the run being scored, so the work
 * follows that run's observations, never the history. A run is folded
 * exactly once — `score_folded_runs` claims it in the same transaction, and
 * a concurrent pass waits on the claim and then skips the run — so scoring
 * a run again changes nothing. A run still running is left until it closes
 * (its pages may still be replaced). Texts new to the aggregates are then
 * read by the patterns once (`matchNewTexts`).
 *
 * @example
 * await db.transaction().execute(async (trx) => foldClosedRuns(trx)); // [7]
 */
export async function foldClosedRuns(db: Kysely<Database>): Promise<number[]> {
  const claimed = await sql<{ run_id: number }>`
    insert into score_folded_runs (run_id)
    select id from crawl_runs r
     where status <> 'running' and not exists (select 1 from score_folded_runs f where f.run_id = r.id)
     order by id
    on conflict do nothing
    returning run_id`.execute(db);
  const runIds = claimed.rows.map((r) => r.run_id);
  if (runIds.length > 0) for (const fold of FOLDS) await fold(runIds).execute(db);
  await matchNewTexts(db);
  return runIds;
}

type Fold = (runIds: number[]) => RawBuilder<unknown>;

/** SQL: the observations of the runs being folded. */
function observationsOf(runIds: number[]): RawBuilder<unknown> {
  return sql`select * from listing_observations where run_id = any(${runIds}::int[])`;
}

/** Each listing's latest runs and observations, and its latest order count (the newer run's wins). */
const foldListings: Fold = (runIds) => sql`
  with seen as (
    select operator_id, listing_id, run_id, id, coalesce(month_order_count, order_count) as orders,
           case when month_order_count is not null then 'month_order_count' else 'order_count' end as basis
      from (${observationsOf(runIds)}) o
  ), counted as (
    select distinct on (operator_id, listing_id) * from seen where orders is not null order by operator_id, listing_id, run_id desc
  )
  insert into operator_listing_sightings as t (operator_id, listing_id, run_ids, observation_ids, orders, orders_basis, orders_run_id, orders_observation_id)
  select s.operator_id, s.listing_id, s.run_ids, s.observation_ids, c.orders, c.basis, c.run_id, c.id
    from (select operator_id, listing_id, ${recentIds('run_id')} as run_ids, ${recentIds('id')} as observation_ids from seen group by 1, 2) s
    left join counted c on c.operator_id = s.operator_id and c.listing_id = s.listing_id
  on conflict (operator_id, listing_id) do update
     set run_ids = ${recentOf(sql`t.run_ids || excluded.run_ids`)},
         observation_ids = ${recentOf(sql`t.observation_ids || excluded.observation_ids`)},
         ${sql.join(
           ['orders', 'orders_basis', 'orders_run_id', 'orders_observation_id'].map(
             (column) => sql`${sql.ref(column)} = case when excluded.orders_run_id > coalesce(t.orders_run_id, 0) then excluded.${sql.ref(column)} else t.${sql.ref(column)} end`,
           ),
         )}`;

/** Each accepted payment method with a code: its spellings, listings, latest runs and observations. */
const foldMethods: Fold = (runIds) => sql`
  insert into operator_method_sightings as t (operator_id, method_code, raw_texts, listing_ids, run_ids, observation_ids)
  select o.operator_id, pm.method_code, array_agg(distinct pm.raw_text order by pm.raw_text),
         array_agg(distinct o.listing_id order by o.listing_id), ${recentIds('o.run_id')}, ${recentIds('o.id')}
    from (${observationsOf(runIds)}) o
    join listing_payment_methods pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id and pm.stance = 'accepted' and pm.method_code is not null
   group by 1, 2
  on conflict (operator_id, method_code) do update
     set raw_texts = ${setOf(sql`t.raw_texts || excluded.raw_texts`)},
         ${mergedIdLists()}`;

/** Each distinct text an operator showed — its name and its listings' terms — with the listings, latest runs and observations that carried it. */
const foldTexts: Fold = (runIds) => sql`
  with seen as (${observationsOf(runIds)})
  insert into operator_text_sightings as t (operator_id, field, text, listing_ids, run_ids, observation_ids)
  select operator_id, field, text, array_agg(distinct listing_id order by listing_id), ${recentIds('run_id')}, ${recentIds('observation_id')}
    from (select operator_id, 'name' as field, operator_name as text, listing_id, run_id, id as observation_id from seen
          union all
          select operator_id, 'terms', terms, listing_id, run_id, id from seen where terms is not null) texts
   group by 1, 2, 3
  on conflict (operator_id, field, md5(text)) do update
     set ${mergedIdLists()}`;

/** Per operator, each run by the hour (UTC+8) of its first observation in it: counted, and in mainland daytime or not. */
const foldDaytime: Fold = (runIds) => sql`
  with sightings as (
    select operator_id, run_id, extract(hour from (min(observed_at) at time zone 'UTC') + interval '8 hours')::int as hour
      from (${observationsOf(runIds)}) o group by 1, 2
  ), marked as (
    select *, hour >= ${MAINLAND_DAYTIME.fromHour}::int and hour < ${MAINLAND_DAYTIME.toHour}::int as daytime from sightings
  )
  insert into operator_daytime_sightings as t (operator_id, runs, daytime_runs, hours_utc8, daytime_run_ids)
  select operator_id, count(*), count(*) filter (where daytime), array_agg(distinct hour order by hour),
         ${recentOf(sql`array_agg(run_id) filter (where daytime)`)}
    from marked group by operator_id
  on conflict (operator_id) do update
     set runs = t.runs + excluded.runs, daytime_runs = t.daytime_runs + excluded.daytime_runs,
         hours_utc8 = ${setOf(sql`t.hours_utc8 || excluded.hours_utc8`)},
         daytime_run_ids = ${recentOf(sql`t.daytime_run_ids || excluded.daytime_run_ids`)}`;

/** Per operator, each source that saw it and its latest run that did. */
const foldSources: Fold = (runIds) => sql`
  insert into operator_source_sightings as t (operator_id, source_id, last_run_id)
  select o.operator_id, r.source_id, max(o.run_id)
    from (${observationsOf(runIds)}) o join crawl_runs r on r.id = o.run_id
   group by 1, 2
  on conflict (operator_id, source_id) do update set last_run_id = greatest(t.last_run_id, excluded.last_run_id)`;

/** SQL: the merge of the `listing_ids`, `run_ids` and `observation_ids` a fold brings into a row (target `t`). */
function mergedIdLists(): RawBuilder<unknown> {
  return sql`listing_ids = ${setOf(sql`t.listing_ids || excluded.listing_ids`)},
         run_ids = ${recentOf(sql`t.run_ids || excluded.run_ids`)},
         observation_ids = ${recentOf(sql`t.observation_ids || excluded.observation_ids`)}`;
}

const FOLDS: readonly Fold[] = [foldListings, foldMethods, foldTexts, foldDaytime, foldSources];
