import { sql, type Kysely } from 'kysely';
import type { Store } from '../../store/connection.ts';
import { diffRuns } from '../../store/diff/diff-runs.ts';
import { refreshDiffStatistics } from '../../store/diff/refresh-statistics.ts';
import type { RunDiff } from '../../store/diff/run-diff.ts';
import { openMigratedStore } from '../../store/open-migrated-store.ts';
import type { Database } from '../../store/schema.ts';
import { median } from './median.ts';
import { scratchDatabase } from './scratch-database.ts';

const SIZES = [10_000, 100_000];
const REPEATS = 3;

/**
 * Time to diff two snapshots of 10,000 and of 100,000 listings, on an
 * in-memory PGlite and, when `DATABASE_URL` is set, on a scratch database
 * of that Postgres server (created and dropped here). The snapshots are
 * generated in SQL (`generate_series`) with a marketplace's churn between
 * them: 3 % of operators vanish with their listings and 3 % new listings
 * appear, every price moves a little and 5 % by 2 %, 10 % of volumes move
 * by 30 %, 2 % of listings add Alipay and 2 % drop WeChat Pay. Statistics
 * are refreshed as `afterRun` does before it diffs. Prints the median of 3
 * diffs after a warm-up, and the facts found.
 */
export async function run(): Promise<void> {
  console.log('command: npm run bench diff   (DATABASE_URL=postgres://… adds the Postgres figures)');
  for (const size of SIZES) {
    await measure('pglite (in-memory)', size, () => openMigratedStore({ pgliteDir: 'memory://' }), async () => {});
    const serverUrl = process.env.DATABASE_URL;
    if (serverUrl) {
      const scratch = await scratchDatabase(serverUrl);
      await measure(`postgres ${new URL(serverUrl).host}`, size, () => openMigratedStore({ databaseUrl: scratch.url }), scratch.drop);
    }
  }
}

async function measure(label: string, size: number, open: () => Promise<Store>, cleanUp: () => Promise<void>): Promise<void> {
  const store = await open();
  try {
    const started = performance.now();
    const { fromRunId, toRunId } = await generateSnapshots(store.db, size);
    const generatedMs = performance.now() - started;
    let diff: RunDiff | null = null;
    const times: number[] = [];
    for (let i = 0; i <= REPEATS; i += 1) {
      const t0 = performance.now();
      diff = await diffRuns(store.db, { sourceId: 'bench', fromRunId, toRunId });
      if (i > 0) times.push(performance.now() - t0);
    }
    console.log(
      `${label}: diff of 2 × ${size.toLocaleString('en')} listings in ${median(times).toFixed(0)} ms (median of ${REPEATS}; generated in ${(generatedMs / 1000).toFixed(1)} s) → ` +
        facts(diff!),
    );
  } finally {
    await store.close();
    await cleanUp();
  }
}

/**
 * SQL: listing g's accepted method keys in code-point order, as the snapshot
 * writer puts them on the observation: a mainland bank card on every
 * listing, Alipay on g % 3 = 0 (run 2 adds it where g % 50 = 1), WeChat Pay
 * on g % 5 = 0 (run 2 drops it where g % 50 = 25).
 */
function methodKeys(secondRun: boolean) {
  const second = sql.lit(secondRun);
  return sql`array_remove(array[case when g % 3 = 0 or (${second} and g % 50 = 1) then 'alipay' end, 'cn_bank_card',
                                case when g % 5 = 0 and not (${second} and g % 50 = 25) then 'wechat_pay' end], null)`;
}

function facts(diff: RunDiff): string {
  return [
    `operators +${diff.operators.appeared.length} −${diff.operators.vanished.length}`,
    `listings +${diff.listings.appeared.length} −${diff.listings.vanished.length}`,
    `${diff.priceMoves.length} price moves`,
    `${diff.volumeMoves.length} volume moves`,
    `listing methods +${diff.methods.listings.added.length} −${diff.methods.listings.dropped.length}`,
    `operator methods +${diff.methods.operators.added.length} −${diff.methods.operators.dropped.length}`,
  ].join(', ');
}

/**
 * Two complete runs of source `bench`: listing g (1…size) belongs to
 * operator ⌈g/2⌉; run 2 drops every operator whose number is divisible
 * by 33 with its listings, and adds size · 3 % new listings of new operators.
 */
async function generateSnapshots(db: Kysely<Database>, size: number): Promise<{ fromRunId: number; toRunId: number }> {
  const added = Math.round(size * 0.03);
  const total = size + added;
  await db
    .insertInto('sources')
    .values({ id: 'bench', adapter: 'demo-api', platform: 'bench', kind: 'api', base_url: 'http://127.0.0.1:1', params: '{}', politeness: '{}', updated_at: new Date() })
    .execute();
  const [from, to] = await db
    .insertInto('crawl_runs')
    .values([1, 2].map(() => ({ source_id: 'bench', status: 'complete' as const, started_at: new Date(), finished_at: new Date() })))
    .returning('id')
    .execute();
  const fromRunId = from!.id;
  const toRunId = to!.id;
  await sql`
    insert into operators (platform, platform_key, name, first_seen_at, last_seen_at)
    select 'bench', 'id:op' || g, 'seller ' || g, now(), now() from generate_series(1, ${Math.ceil(total / 2)}) g`.execute(db);
  await sql`
    insert into listings (platform, platform_key, operator_id, side, asset, fiat, first_seen_at, last_seen_at)
    select 'bench', 'ad' || g, o.id, case when g % 4 = 0 then 'buy' else 'sell' end, 'USDT', 'CNY', now(), now()
      from generate_series(1, ${total}) g
      join operators o on o.platform = 'bench' and o.platform_key = 'id:op' || ((g + 1) / 2)`.execute(db);
  // Run 1: listings 1…size. Run 2: without the operators ⌈g/2⌉ % 33 = 0, plus size+1…total; prices and volumes moved.
  await sql`
    insert into listing_observations (run_id, listing_id, operator_id, observed_at, operator_name, price, available, min_order, max_order, payment_methods)
    select ${fromRunId}, l.id, l.operator_id, now(), 'seller ' || ((g + 1) / 2), 7.10 + (g % 300) / 1000.0, 100 + g % 5000, 100, 50000, ${methodKeys(false)}
      from generate_series(1, ${size}) g join listings l on l.platform = 'bench' and l.platform_key = 'ad' || g`.execute(db);
  await sql`
    insert into listing_observations (run_id, listing_id, operator_id, observed_at, operator_name, price, available, min_order, max_order, payment_methods)
    select ${toRunId}, l.id, l.operator_id, now(), 'seller ' || ((g + 1) / 2),
           round((7.10 + (g % 300) / 1000.0) * case when g % 20 = 0 then 1.02 else 1.001 end, 2),
           case when g % 10 = 0 then round((100 + g % 5000) * 1.3, 2) else 100 + g % 5000 end, 100, 50000, ${methodKeys(true)}
      from generate_series(1, ${total}) g join listings l on l.platform = 'bench' and l.platform_key = 'ad' || g
     where ((g + 1) / 2) % 33 <> 0 or g > ${size}`.execute(db);
  // Their method rows: the keys on each observation.
  await sql`
    insert into listing_payment_methods (run_id, listing_id, method_key, method_code, raw_text)
    select o.run_id, o.listing_id, k.code, k.code, k.code
      from listing_observations o cross join lateral unnest(o.payment_methods) as k(code)
     where o.run_id in (${fromRunId}, ${toRunId})`.execute(db);
  await db.updateTable('crawl_runs').set({ listings_count: size }).where('id', '=', fromRunId).execute();
  await sql`update crawl_runs set listings_count = (select count(*) from listing_observations where run_id = ${toRunId}) where id = ${toRunId}`.execute(db);
  await refreshDiffStatistics(db);
  return { fromRunId, toRunId };
}
