import { sql, type Kysely } from 'kysely';

/**
 * `count` observations written by SQL alone (`generate_series`), for tests
 * and benchmarks at a size a crawl would take minutes to reach: one source
 * `bulk`, 10 complete runs, `count / 10` listings of 1,000 operators, each
 * listing observed once per run with exact decimals of varying scale.
 *
 * @example
 * await insertBulkObservations(store.db, 1_000_000);
 */
export async function insertBulkObservations(db: Kysely<any>, count: number): Promise<void> {
  if (count % 10 !== 0) throw new RangeError(`count must be a multiple of 10 (10 runs), got ${count}`);
  const listings = count / 10;
  await sql`insert into sources (id, adapter, platform, kind, base_url) values ('bulk', 'demo-api', 'bulk', 'api', 'http://127.0.0.1:9')`.execute(db);
  await sql`insert into crawl_runs (source_id, status, started_at, finished_at, pages_ok, listings_count)
            select 'bulk', 'complete', timestamptz '2024-05-01 00:00:00.123456+00' + g * interval '1 hour',
                   timestamptz '2024-05-01 00:05:00+00' + g * interval '1 hour', 1, ${listings}::int
              from generate_series(0, 9) g`.execute(db);
  await sql`insert into operators (platform, platform_key, name, first_seen_at, last_seen_at)
            select 'bulk', 'op' || g, '卖家 "' || g || '", ok', now(), now() from generate_series(1, 1000) g`.execute(db);
  await sql`insert into listings (platform, platform_key, operator_id, side, asset, fiat, first_seen_at, last_seen_at)
            select 'bulk', 'ad' || g, (select min(id) from operators where platform = 'bulk') + g % 1000,
                   case when g % 3 = 0 then 'buy' else 'sell' end, 'USDT', 'CNY', now(), now()
              from generate_series(1, ${listings}::int) g`.execute(db);
  await sql`insert into listing_observations (run_id, listing_id, operator_id, observed_at, operator_name, price, available, min_order, max_order, terms, completion_rate, order_count)
            select r.id, l.id, l.operator_id, r.started_at, op.name,
                   7 + (l.id % 997) / 1000.0 + r.id / 1000000.0, (l.id * 7 % 100000) / 100.0,
                   100, case when l.id % 5 = 0 then null else 50000.5 end,
                   case when l.id % 4 = 0 then null else E'line one\\nline two, "quoted" ' || l.id end,
                   0.95, (l.id % 5000)::int
              from crawl_runs r
              join listings l on l.platform = 'bulk'
              join operators op on op.id = l.operator_id
             where r.source_id = 'bulk'`.execute(db);
  await sql`analyze`.execute(db);
}
