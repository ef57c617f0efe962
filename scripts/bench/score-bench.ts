import { sql, type Kysely } from 'kysely';
import type { Store } from '../../store/connection.ts';
import { refreshDiffStatistics } from '../../store/diff/refresh-statistics.ts';
import { openMigratedStore } from '../../store/open-migrated-store.ts';
import type { Database } from '../../store/schema.ts';
import { scoreRun, type ScoreRunResult } from '../jobs/score-run.ts';
import { median } from './median.ts';
import { scratchDatabase } from './scratch-database.ts';

const OPERATORS = 50_000;
const HISTORY_RUNS = 6;
const REPEATS = 3;

/**
 * Time to score a run of 50,000 operators, as the after-run pass does it
 * (`scoreRun`: host location, every signal, scores, alerts), on an
 * in-memory PGlite and, when `DATABASE_URL` is set, on a scratch database
 * of that Postgres server (created and dropped here). The history is
 * generated in SQL (`generate_series`): source `bench` (declared in SC),
 * two listings per operator, 6 earlier runs five hours apart (so in and
 * out of mainland daytime), each scored as the pass scores it, then one
 * new run per measurement. A quarter of the listings quote USD (Wise,
 * Zelle), the rest CNY (Alipay, WeChat Pay, a mainland bank card, an
 * unknown QQ钱包, Alipay refused on some); half the operators have Han
 * names, a tenth a WeChat handle in the name; three fifths of the terms
 * carry a WeChat id, a QQ number or a mobile, and some texts change every
 * run. Each run observes 95 % of the listings (every operator). Prints the
 * median of 3 new runs' scoring after a warm-up run.
 */
export async function run(): Promise<void> {
  console.log('command: npm run bench score   (DATABASE_URL=postgres://… adds the Postgres figures)');
  await measure('pglite (in-memory)', () => openMigratedStore({ pgliteDir: 'memory://' }), async () => {});
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const scratch = await scratchDatabase(serverUrl);
    await measure(`postgres ${new URL(serverUrl).host}`, () => openMigratedStore({ databaseUrl: scratch.url }), scratch.drop);
  }
}

async function measure(label: string, open: () => Promise<Store>, cleanUp: () => Promise<void>): Promise<void> {
  const store = await open();
  try {
    const started = performance.now();
    await insertOperatorsAndListings(store.db);
    for (let n = 1; n <= HISTORY_RUNS; n += 1) await scoreRun(store, await insertRun(store.db, n));
    const historyMs = performance.now() - started;
    const times: number[] = [];
    let result: ScoreRunResult | undefined;
    for (let i = 0; i <= REPEATS; i += 1) {
      const run = await insertRun(store.db, HISTORY_RUNS + 1 + i);
      const t0 = performance.now();
      result = await scoreRun(store, run);
      if (i > 0) times.push(performance.now() - t0);
    }
    const observations = await store.db.selectFrom('listing_observations').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    console.log(
      `${label}: scoring a run of ${result!.scored.toLocaleString('en')} operators in ${median(times).toFixed(0)} ms ` +
        `(median of ${REPEATS} after a warm-up: ${times.map((t) => t.toFixed(0)).join(', ')} ms; ` +
        `history of ${HISTORY_RUNS} runs generated and scored in ${(historyMs / 1000).toFixed(1)} s; ` +
        `${Number(observations.n).toLocaleString('en')} observations at the end) → ${result!.domesticFacing.toLocaleString('en')} domestic-facing`,
    );
  } finally {
    await store.close();
    await cleanUp();
  }
}

/** Operator n (1…50,000) owns listings 2n−1 and 2n (`ad<g>`); every fourth listing quotes USD. */
async function insertOperatorsAndListings(db: Kysely<Database>): Promise<void> {
  await db
    .insertInto('sources')
    .values({ id: 'bench', adapter: 'demo-api', platform: 'bench', kind: 'api', base_url: 'http://127.0.0.1:1', host_country: 'SC', params: '{}', politeness: '{}', updated_at: new Date() })
    .execute();
  await sql`
    insert into operators (platform, platform_key, name, first_seen_at, last_seen_at)
    select 'bench', 'id:op' || n, ${operatorName('n')}, now(), now() from generate_series(1, ${OPERATORS}) n`.execute(db);
  await sql`
    insert into listings (platform, platform_key, operator_id, side, asset, fiat, first_seen_at, last_seen_at)
    select 'bench', 'ad' || g, o.id, case when g % 3 = 0 then 'buy' else 'sell' end, 'USDT',
           case when g % 4 = 0 then 'USD' else 'CNY' end, now(), now()
      from generate_series(1, ${OPERATORS * 2}) g
      join operators o on o.platform = 'bench' and o.platform_key = 'id:op' || ((g + 1) / 2)`.execute(db);
}

/** SQL: operator n's name — Han for even n, a WeChat handle for n ≡ 1 (mod 10), else Latin. */
function operatorName(n: string) {
  const ref = sql.raw(n);
  return sql`case when ${ref} % 2 = 0 then '金沙承兑' || ${ref} when ${ref} % 10 = 1 then 'vx:trader_' || ${ref} else 'seller ' || ${ref} end`;
}

/**
 * Run `n` of source `bench`, closed complete, starting 5n hours after a
 * fixed midnight UTC: it observes every listing but those with
 * (g + n) % 20 = 0, with their payment methods. Operators whose number is
 * divisible by 50 add the run's number to their name, and listings
 * g ≡ 3 (mod 25) to their terms: texts new in every run.
 */
async function insertRun(db: Kysely<Database>, n: number): Promise<{ sourceId: string; runId: number }> {
  const startedAt = new Date(Date.UTC(2024, 4, 1) + n * 5 * 3_600_000);
  const { id: runId } = await db
    .insertInto('crawl_runs')
    .values({ source_id: 'bench', status: 'complete', started_at: startedAt, finished_at: new Date(startedAt.getTime() + 600_000), pages_ok: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`
    insert into listing_observations (run_id, listing_id, operator_id, observed_at, operator_name, price, available, min_order, max_order,
                                      terms, completion_rate, order_count, month_order_count)
    select ${runId}::int, l.id, l.operator_id, ${startedAt}::timestamptz + (g % 600) * interval '1 second',
           ${operatorName('((g + 1) / 2)')} || case when ((g + 1) / 2) % 50 = 0 then ' ' || ${n}::int else '' end,
           case when l.fiat = 'CNY' then 7.10 + (g % 300) / 1000.0 else 1.001 end, 100 + (g * ${n}::int) % 5000, 100, 50000,
           case g % 5
             when 0 then '加微信 jinsha' || g || ' 秒放'
             when 1 then '诚信交易 QQ ' || (10000000 + g)
             when 2 then '大额可议价 电话 138' || lpad((g % 100000000)::text, 8, '0')
             when 3 then case when g % 25 = 3 then 'Fast release, run ' || ${n}::int else 'Fast release, no third party' end
           end,
           0.95, g % 5000 + ${n}::int, case when g % 3 = 0 then g % 900 + ${n}::int end
      from generate_series(1, ${OPERATORS * 2}) g
      join listings l on l.platform = 'bench' and l.platform_key = 'ad' || g
     where (g + ${n}::int) % 20 <> 0`.execute(db);
  await sql`
    insert into listing_payment_methods (run_id, listing_id, method_key, method_code, raw_text, stance)
    select o.run_id, o.listing_id, m.key, m.code, m.raw, m.stance
      from listing_observations o
      join listings l on l.id = o.listing_id
      cross join lateral (select substr(l.platform_key, 3)::int as g) k
      join lateral (
        select 'alipay' as key, 'alipay' as code, '支付宝' as raw, 'accepted' as stance where l.fiat = 'CNY' and k.g % 3 = 0
        union all select 'alipay', 'alipay', '支付宝', 'refused' where l.fiat = 'CNY' and k.g % 3 <> 0 and k.g % 11 = 0
        union all select 'wechat_pay', 'wechat_pay', 'WECHAT', 'accepted' where l.fiat = 'CNY' and k.g % 5 = 0
        union all select 'cn_bank_card', 'cn_bank_card', '银行卡', 'accepted' where l.fiat = 'CNY' and k.g % 2 = 0
        union all select 'unknown:QQ钱包', null, 'QQ钱包', 'accepted' where l.fiat = 'CNY' and k.g % 7 = 0
        union all select 'wise', 'wise', 'WISE', 'accepted' where l.fiat = 'USD'
        union all select 'zelle', 'zelle', 'Zelle', 'accepted' where l.fiat = 'USD' and k.g % 8 = 4
      ) m on true
     where o.run_id = ${runId}::int`.execute(db);
  await sql`update crawl_runs set listings_count = (select count(*) from listing_observations where run_id = ${runId}::int) where id = ${runId}::int`.execute(db);
  // As afterRun does before it scores a diffable run.
  await refreshDiffStatistics(db);
  return { sourceId: 'bench', runId };
}
