import { readFile } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import { getAdapter } from '../../crawler/sources/index.ts';
import { openMigratedStore } from '../../store/open-migrated-store.ts';
import { recordRunFacts } from '../../store/run-facts.ts';
import type { Database } from '../../store/schema.ts';
import { upsertSource } from '../../store/sources.ts';
import { adapterSourceRegistration } from '../jobs/builtin-sources.ts';
import { median } from './median.ts';
import { scratchDatabase } from './scratch-database.ts';
import { repoPath } from './repo-path.ts';

const README = repoPath('README.md');
const REPEATS = 5;

/**
 * Every view's README example query ("Views for investigators"), timed on
 * a scratch database of the Postgres server of `DATABASE_URL` holding a
 * long history generated in SQL (`generate_series`, no crawling): source
 * `demo-api` with `--runs` complete runs (default 200) of `--listings`
 * listings each (default 50,000: 10 million observations), about one
 * payment method per observation, scores and signals for every operator,
 * and the per-run facts analysis stores. Also times `recordRunFacts` of the
 * last run, the per-run cost of keeping those facts. Prints the median of 5
 * after a warm-up.
 *
 * `DATABASE_URL=postgres://… npm run bench views -- --runs=200 --listings=50000`
 */
export async function run(argv: string[]): Promise<void> {
  const runs = flag(argv, 'runs', 200);
  const listings = flag(argv, 'listings', 50_000);
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('npm run bench views needs DATABASE_URL=postgres://… (a scratch database is made on that server and dropped)');
  console.log(`command: DATABASE_URL=… npm run bench views -- --runs=${runs} --listings=${listings}   (${(runs * listings).toLocaleString('en')} observations; median of ${REPEATS})`);
  const scratch = await scratchDatabase(serverUrl);
  const store = await openMigratedStore({ databaseUrl: scratch.url });
  try {
    const started = performance.now();
    await generateHistory(store.db, runs, listings);
    console.log(`generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    for (const [view, query] of await readmeQueries()) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i <= REPEATS; i += 1) {
        const t0 = performance.now();
        rows = (await sql.raw(query).execute(store.db)).rows.length;
        if (i > 0) times.push(performance.now() - t0);
      }
      console.log(`${view}: ${median(times).toFixed(1)} ms, ${rows} rows (target < 200 ms)`);
    }
    const t0 = performance.now();
    await recordRunFacts(store.db, { sourceId: 'demo-api', runId: runs });
    console.log(`recordRunFacts of one run of ${listings.toLocaleString('en')} listings (after-run): ${(performance.now() - t0).toFixed(0)} ms`);
  } finally {
    await store.close();
    await scratch.drop();
  }
}

/** The SQL examples of the README's "Views for investigators", by the view they query (as test/views.test.ts reads them). */
async function readmeQueries(): Promise<Map<string, string>> {
  const section = (await readFile(README, 'utf8')).split('\n## Views for investigators\n')[1]!.split('\n## ')[0]!;
  const queries = new Map<string, string>();
  for (const [, query] of section.matchAll(/```sql\n([\s\S]*?)```/g)) queries.set(/from (v_\w+)/.exec(query!)![1]!, query!);
  return queries;
}

/**
 * `runs` complete runs of demo-api over `listings` listings (`ad000001`…),
 * two per operator (`id:s0001`…); three quarters quote CNY. Methods: a
 * mainland bank card on even listings, Alipay on every third, WeChat Pay
 * on every fifth. Every run from the second on has ten operators taking up
 * a new method (the per-run facts). Operators are scored, about half
 * domestic-facing, each with three signals.
 */
async function generateHistory(db: Kysely<Database>, runs: number, listings: number): Promise<void> {
  const operators = Math.ceil(listings / 2);
  const key = (n: string) => sql.raw(`lpad(${n}::text, greatest(4, length(${n}::text)), '0')`);
  await upsertSource(db, adapterSourceRegistration(getAdapter('demo-api')));
  await sql`
    insert into crawl_runs (source_id, status, started_at, finished_at, pages_ok, listings_count)
    select 'demo-api', 'complete', now() - (${runs} - r) * interval '1 hour', now() - (${runs} - r) * interval '1 hour' + interval '1 minute', 1, ${listings}
      from generate_series(1, ${runs}) r`.execute(db);
  await sql`
    insert into operators (platform, platform_key, name, first_seen_at, last_seen_at)
    select 'demo', 'id:s' || ${key('n')}, 'seller ' || n, now(), now() from generate_series(1, ${operators}) n`.execute(db);
  await sql`
    insert into listings (platform, platform_key, operator_id, side, asset, fiat, first_seen_at, last_seen_at)
    select 'demo', 'ad' || lpad(g::text, 6, '0'), o.id, case when g % 4 = 1 then 'buy' else 'sell' end, 'USDT',
           case when g % 4 = 0 then 'USD' else 'CNY' end, now(), now()
      from generate_series(1, ${listings}) g
      join operators o on o.platform = 'demo' and o.platform_key = 'id:s' || ${key('((g + 1) / 2)')}`.execute(db);
  await sql`
    insert into listing_observations (run_id, listing_id, operator_id, observed_at, operator_name, price, available, min_order, max_order, payment_methods)
    select r.id, l.id, l.operator_id, r.started_at, 'seller ' || l.operator_id, 7.0 + ((l.id * 7 + r.id) % 300) / 1000.0, 100 + (l.id * r.id) % 5000, 100, 50000,
           -- The methods inserted below, as the snapshot writer lists them on the row.
           array_remove(array[case when l.id % 3 = 0 then 'alipay' end, case when l.id % 2 = 0 then 'cn_bank_card' end, case when l.id % 5 = 0 then 'wechat_pay' end], null)
      from crawl_runs r cross join listings l
     where r.source_id = 'demo-api' and l.platform = 'demo'
     -- Run by run, as crawls write them: a run's rows lie together on disk.
     order by r.id, l.id`.execute(db);
  await sql`
    insert into listing_payment_methods (run_id, listing_id, method_key, method_code, raw_text)
    select o.run_id, o.listing_id, m.code, m.code, upper(m.code)
      from listing_observations o
      join lateral (
        select 'cn_bank_card' as code where o.listing_id % 2 = 0
        union all select 'alipay' where o.listing_id % 3 = 0
        union all select 'wechat_pay' where o.listing_id % 5 = 0
      ) m on true`.execute(db);
  await sql`
    insert into run_new_payment_methods (run_id, source_id, operator_id, method_key, method_code, raw_texts, listing_ids)
    select distinct on (r.id, o.id) r.id, 'demo-api', o.id, 'alipay', 'alipay', array['ALIPAY'], array[o.id * 2]
      from crawl_runs r cross join generate_series(1, 10) k
      join operators o on o.id = 1 + (r.id * 10 + k) % ${operators}
     where r.id > 1`.execute(db);
  await sql`
    insert into operator_scores (operator_id, score, domestic_facing, run_id)
    select id, (id * 37) % 100, (id * 37) % 100 >= 50, ${runs} from operators`.execute(db);
  await sql`
    insert into operator_signals (operator_id, signal, weight, strength, points, evidence, run_id)
    select s.operator_id, g.signal, g.weight, 1, g.weight, jsonb_build_object('listings', jsonb_build_array(s.operator_id * 2)), ${runs}
      from operator_scores s
      cross join (values ('domestic_payment_rails', 25), ('cny_listings', 20), ('han_script', 10)) as g(signal, weight)`.execute(db);
  await sql`analyze`.execute(db);
}

function flag(argv: string[], name: string, fallback: number): number {
  const raw = argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1, got ${raw}`);
  return value;
}
