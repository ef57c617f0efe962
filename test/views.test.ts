import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { migrateDownThrough } from './helpers/migrate-down.ts';
import test from 'ava';
import type { DemoPayMethod, DemoState } from '../scripts/demo/marketplace-state.ts';
import { afterRun } from '../scripts/jobs/after-run.ts';
import { sql } from 'kysely';
import { startRun } from '../store/crawl-runs.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { runSql } from '../store/read-only-query.ts';
import { writeRunPages } from '../store/snapshot-writer.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { handListing, handPage, handSnapshot, handSource } from './helpers/hand-snapshots.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

/** The SQL examples of the README's "Views for investigators", by the view they query. */
async function readmeQueries(): Promise<Map<string, string>> {
  const readme = await readFile(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
  const section = readme.split('\n## Views for investigators\n')[1]!.split('\n## ')[0]!;
  const queries = new Map<string, string>();
  for (const [, query] of section.matchAll(/```sql\n([\s\S]*?)```/g)) queries.set(/from (v_\w+)/.exec(query!)![1]!, query!);
  return queries;
}

const CODES: Record<DemoPayMethod, string> = { ALIPAY: 'alipay', WECHAT: 'wechat_pay', BANK: 'bank', UNIONPAY: 'unionpay', WISE: 'wise', PAYPAL: 'paypal', FPS: 'fps_hk' };
const codeOf = (method: DemoPayMethod, fiat: string) => (method === 'BANK' ? (fiat === 'CNY' ? 'cn_bank_card' : 'bank_transfer') : CODES[method]);

/** Per seller, the canonical methods of its ads at one tick. */
function methodsBySeller(state: DemoState): Map<string, { name: string; methods: Set<string> }> {
  const sellers = new Map<string, { name: string; methods: Set<string> }>();
  for (const ad of state.ads) {
    const seller = sellers.get(ad.sellerId) ?? { name: ad.sellerName, methods: new Set<string>() };
    for (const m of ad.payMethods) seller.methods.add(codeOf(m, ad.fiat));
    sellers.set(ad.sellerId, seller);
  }
  return sellers;
}

test(title('the README\'s example queries on the views return what it says, on demo crawls of three ticks'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-api');
  const states: DemoState[] = [];
  const runIds: number[] = [];
  for (let tick = 0; tick < 3; tick += 1) {
    if (tick > 0) rig.market.advance();
    states.push(rig.market.state());
    const run = await rig.crawl('demo-api');
    runIds.push(run.runId);
    await afterRun(rig.store, run);
  }
  const queries = await readmeQueries();
  t.deepEqual([...queries.keys()].sort(), ['v_current_listings', 'v_domestic_facing_operators', 'v_listing_history', 'v_new_payment_methods', 'v_operator_payment_timeline']);
  const query = (view: string) => runSql(rig.store.consoleTarget, queries.get(view)!);

  // v_listing_history: one row per run that saw ad000003, with its price and payment methods.
  const history = await query('v_listing_history');
  t.deepEqual(history.map((r) => r.run_id), runIds);
  history.forEach((row, i) => {
    const ad = states[i]!.ads.find((a) => a.adId === 'ad000003')!;
    t.is(Number(row.price), Number(ad.price));
    t.deepEqual(row.payment_methods, ad.payMethods.map((m) => codeOf(m, ad.fiat)).sort());
  });

  // v_current_listings: the latest run's CNY listings taking Alipay, cheapest first, at most 10.
  const current = await query('v_current_listings');
  const expected = states[2]!.ads.filter((a) => a.fiat === 'CNY' && a.payMethods.includes('ALIPAY'));
  t.is(current.length, Math.min(10, expected.length));
  t.true(current.every((r) => r.source_id === 'demo-api' && expected.some((a) => a.adId === r.listing_key)));
  t.true(current.every((r, i) => i === 0 || Number(current[i - 1]!.price) <= Number(r.price)));

  // v_operator_payment_timeline: seller s0012's methods, run by run; Alipay appears at tick 2.
  const timeline = await query('v_operator_payment_timeline');
  const oracle = states.flatMap((state, i) => [...(methodsBySeller(state).get('s0012')?.methods ?? [])].sort().map((m) => `${runIds[i]} ${m}`));
  t.deepEqual(timeline.map((r) => `${r.run_id} ${r.method_key}`), oracle);
  t.true(timeline.some((r) => r.run_id === runIds[2] && r.method_key === 'alipay' && r.is_domestic === true));
  t.false(timeline.some((r) => r.run_id === runIds[1] && r.method_key === 'alipay'));

  // v_new_payment_methods: domestic methods sellers started taking, as the marketplace added them.
  const added: string[] = [];
  for (let i = 1; i < states.length; i += 1) {
    const before = states.slice(0, i).map(methodsBySeller);
    for (const [id, seller] of methodsBySeller(states[i]!)) {
      const earlier = before.filter((b) => b.has(id));
      if (earlier.length === 0) continue;
      for (const m of seller.methods) {
        if (['alipay', 'wechat_pay', 'unionpay', 'cn_bank_card'].includes(m) && !earlier.some((b) => b.get(id)!.methods.has(m))) added.push(`${runIds[i]} ${seller.name} ${m}`);
      }
    }
  }
  const fresh = await query('v_new_payment_methods');
  t.true(added.length > 0);
  t.deepEqual(fresh.map((r) => `${r.run_id} ${r.operator_name} ${r.method_code}`).sort(), added.sort());
  t.true(fresh.every((r, i) => i === 0 || Number(fresh[i - 1]!.run_id) >= Number(r.run_id)), 'newest run first');

  // v_domestic_facing_operators: one row per signal that scored, strongest operators first.
  const facing = await query('v_domestic_facing_operators');
  t.is(facing.length, 20);
  t.true(facing.every((r) => Number(r.score) >= 50 && Number(r.points) > 0));
  t.true(facing.every((r, i) => i === 0 || Number(facing[i - 1]!.score) >= Number(r.score)));
  t.true(facing.some((r) => r.signal === 'domestic_payment_rails' && Number(r.points) === 25));
});

test(title('v_current_listings holds v_listing_history\'s rows of each source\'s latest complete or partial run, refused methods and all'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-api');
  await rig.crawl('demo-api');
  rig.market.advance();
  await rig.crawl('demo-api');
  await handSource(rig.store);
  await handSnapshot(rig.store, 'complete', [handListing('L1', 'X', ['alipay']), handListing('L2', 'Y', ['wise'])]);
  await handSnapshot(rig.store, 'partial', [handListing('L1', 'X', ['cn_bank_card', '!alipay', '!wechat_pay']), handListing('L3', 'Z', [])]);
  // A run still running is not current, whatever it has stored.
  const running = await startRun(rig.store.db, 'hand');
  await writeRunPages(rig.store.db, { runId: running, platform: 'hand', pages: [handPage([handListing('L9', 'W', ['alipay'])])] });

  const rows = async (from: string) => (await sql<Record<string, unknown>>`select * from ${sql.raw(from)} h order by h.run_id, h.listing_id`.execute(rig.store.db)).rows;
  const current = await rows('v_current_listings');
  const fromHistory = await rows(`(select h.* from v_listing_history h
      where h.run_id in (select distinct on (source_id) id from crawl_runs where status in ('complete', 'partial') order by source_id, id desc))`);
  t.deepEqual(current, fromHistory);
  t.deepEqual(
    current.filter((r) => r.source_id === 'hand').map((r) => [r.listing_key, r.payment_methods, r.refused_payment_methods]),
    [['L1', ['cn_bank_card'], ['alipay', 'wechat_pay']], ['L3', [], []]],
  );
  t.true(current.some((r) => r.source_id === 'demo-api'));

  // The arrays on each observation are its method rows, as written by the crawl and as migration 0016 fills them in.
  const methodArrays = () =>
    sql<{ written: [string[], string[]]; aggregated: [string[], string[]] }>`
      select jsonb_build_array(o.payment_methods, o.refused_payment_methods) as written,
             jsonb_build_array(coalesce(array_agg(pm.method_key order by pm.method_key collate "C") filter (where pm.stance = 'accepted'), '{}'),
                   coalesce(array_agg(pm.method_key order by pm.method_key collate "C") filter (where pm.stance = 'refused'), '{}')) as aggregated
        from listing_observations o left join listing_payment_methods pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id
       group by o.id order by o.id`.execute(rig.store.db);
  const written = (await methodArrays()).rows;
  t.true(written.length > 20 && written.some((r) => r.written[0]!.length > 1) && written.some((r) => r.written[1]!.length > 0));
  for (const row of written) t.deepEqual(row.written, row.aggregated);
  t.deepEqual((await migrateDownThrough(rig.store.db, '0016-observation-method-arrays')).at(-1), '0016-observation-method-arrays');
  await migrateToLatest(rig.store.db);
  t.deepEqual((await methodArrays()).rows, written);
  t.deepEqual(await rows('v_current_listings'), current);
});
