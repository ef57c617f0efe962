import test, { type ExecutionContext } from 'ava';
import type { NormalizedListing } from '../crawler/listing.ts';
import type { Store } from '../store/connection.ts';
import { startRun } from '../store/crawl-runs.ts';
import { scoreRun } from '../scripts/jobs/score-run.ts';
import { explainOperator } from '../store/operator-report.ts';
import { operatorIdsOfRun, scoreOperators } from '../store/operator-scores.ts';
import { saveHostLocation } from '../store/run-host-locations.ts';
import { writeSnapshot } from '../store/snapshot-writer.ts';
import { upsertSource } from '../store/sources.ts';
import { SIGNAL_WEIGHTS } from '../store/signals/signal-weights.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

function listing(key: string, operator: string, overrides: Partial<NormalizedListing> = {}): NormalizedListing {
  return {
    listingKey: key,
    operatorKey: `id:${operator}`,
    operatorName: operator,
    side: 'sell',
    asset: 'USDT',
    fiat: 'USD',
    price: '1.001',
    available: '500',
    minOrder: '10',
    maxOrder: '500',
    paymentMethods: [{ code: 'wise', raw: 'WISE' }],
    terms: null,
    completionRate: null,
    orderCount: null,
    monthOrderCount: null,
    ...overrides,
  };
}

/** Stores one run of `sourceId` whose page was fetched at `at`, and returns its id. */
async function crawlOf(store: Store, listings: NormalizedListing[], at = new Date(), sourceId = 'src'): Promise<number> {
  const runId = await startRun(store.db, sourceId, at);
  await writeSnapshot(store.db, {
    runId,
    platform: 'desk',
    status: 'complete',
    error: null,
    pages: [{ url: 'http://127.0.0.1/p1', fetchedAt: at, outcome: 'ok', httpStatus: 200, error: null, sha256: null, bytes: null, serverIp: null, exchanges: [], listings, failures: [] }],
  });
  return runId;
}

async function scoredStore(t: ExecutionContext, hostCountry: string | null = null): Promise<Store> {
  const store = await createTestStore();
  t.teardown(() => store.close());
  await upsertSource(store.db, { id: 'src', adapter: 'demo-api', platform: 'desk', kind: 'api', baseUrl: 'http://127.0.0.1:1', hostCountry });
  return store;
}

async function signalsOf(store: Store, runId: number, operatorKey: string) {
  await scoreOperators(store.db, { operatorIds: await operatorIdsOfRun(store.db, runId), runId });
  const { id } = await store.db.selectFrom('operators').select('id').where('platform_key', '=', operatorKey).executeTakeFirstOrThrow();
  const why = (await explainOperator(store.db, id))!;
  return { why, signal: (code: string) => why.signals.find((s) => s.signal === code)! };
}

test(title('contact handles: WeChat ids, QQ numbers and mainland mobiles are found in names and terms, in full'), async (t) => {
  const store = await scoredStore(t);
  const runId = await crawlOf(store, [
    listing('a1', 'wx', { terms: '只收支付宝，秒放 加微信 jinsha123' }),
    listing('a2', 'qq', { terms: '诚信交易 QQ：87654321' }),
    listing('a3', 'tel', { terms: '大额可议价 电话 13812345678' }),
    listing('a4', 'name-handle', { operatorName: '顺发USDT vx:shunfa_88', terms: 'Fast release' }),
    listing('a5', 'invite', { terms: '加微信详聊' }),
    listing('a6', 'plain', { terms: 'WeChat Pay accepted, order 1234567890123 ok' }),
  ]);
  const contactOf = async (key: string) => (await signalsOf(store, runId, `id:${key}`)).signal('domestic_contact');

  const wx = await contactOf('wx');
  t.is(wx.strength, 1);
  t.like((wx.evidence.contacts as unknown[])[0], { kind: 'wechat', handle: 'jinsha123', fields: ['terms'], matched: '加微信 jinsha123' });
  t.like(((await contactOf('qq')).evidence.contacts as unknown[])[0], { kind: 'qq', handle: '87654321' });
  t.like(((await contactOf('tel')).evidence.contacts as unknown[])[0], { kind: 'mobile', handle: '13812345678' });
  t.like(((await contactOf('name-handle')).evidence.contacts as unknown[])[0], { kind: 'wechat', handle: 'shunfa_88', fields: ['name'] });
  const invite = await contactOf('invite');
  t.is(invite.strength, 0.5);
  t.like((invite.evidence.contacts as unknown[])[0], { kind: 'invitation', handle: null });
  const plain = await contactOf('plain');
  t.is(plain.strength, 0);
  t.is(plain.points, 0);
});

test(title('each signal is stored with its weight, strength, points and evidence naming listings and the runs that first showed them'), async (t) => {
  const store = await scoredStore(t, 'SC');
  const cny = { fiat: 'CNY', price: '7.26', paymentMethods: [{ code: 'alipay', raw: '支付宝' }], monthOrderCount: 412, orderCount: 9000 };
  // 10:00 and 02:00 in UTC+8.
  const first = await crawlOf(store, [listing('c1', 'op', { ...cny, operatorName: '金沙承兑' }), listing('u1', 'op')], new Date('2024-03-01T02:00:00Z'));
  const second = await crawlOf(store, [listing('c1', 'op', { ...cny, operatorName: '金沙承兑' }), listing('u1', 'op')], new Date('2024-03-01T18:00:00Z'));
  await saveHostLocation(store.db, second, { host: 'desk.example', address: '203.0.113.9', country: 'SG', note: null });
  const { why, signal } = await signalsOf(store, second, 'id:op');

  t.deepEqual(why.signals.map((s) => s.signal).sort(), Object.keys(SIGNAL_WEIGHTS).sort());
  for (const s of why.signals) {
    t.is(s.weight, SIGNAL_WEIGHTS[s.signal as keyof typeof SIGNAL_WEIGHTS]);
    t.is(s.points, Math.round(s.weight * s.strength * 100) / 100);
    t.is(s.runId, second);
  }
  const [c1] = (await store.db.selectFrom('listings').select('id').where('platform_key', '=', 'c1').execute()).map((r) => r.id);

  t.is(signal('cny_listings').strength, 0.5);
  t.like(signal('cny_listings').evidence, { cnyListings: 1, listings: 2, listingIds: [c1], runIds: [first] });
  t.is(signal('domestic_payment_rails').strength, 1);
  t.like((signal('domestic_payment_rails').evidence.methods as unknown[])[0], { method: 'alipay', rawTexts: ['支付宝'], listingIds: [c1], runIds: [first] });
  t.is(signal('han_script').strength, 1);
  t.like((signal('han_script').evidence.texts as unknown[])[0], { field: 'name', text: '金沙承兑', matched: '金沙承兑' });
  t.is(signal('cny_order_volume').strength, 0.412);
  t.like(signal('cny_order_volume').evidence, { orders: 412, basis: 'month_order_count', runId: second, listingId: c1 });
  t.is(signal('mainland_daytime').strength, 0.5);
  t.like(signal('mainland_daytime').evidence, { daytimeRuns: 1, runs: 2, hoursUtc8: [2, 10], runIds: [first] });
  t.is(signal('offshore_platform').strength, 1);
  t.like(signal('offshore_platform').evidence, {
    declared: [{ sourceId: 'src', country: 'SC' }],
    resolved: [{ sourceId: 'src', runId: second, address: '203.0.113.9', country: 'SG' }],
  });
  t.is(signal('domestic_contact').strength, 0);

  const expected = 25 * 1 + 20 * 0.5 + 15 * 1 + 10 * 1 + 10 * 0.412 + 5 * 0.5;
  t.is(why.score, Math.round(expected * 100) / 100);
  t.true(why.domesticFacing);
});

test(title('a platform declared or located in the mainland is not offshore'), async (t) => {
  const store = await scoredStore(t, 'CN');
  const runId = await crawlOf(store, [listing('u1', 'op')]);
  await saveHostLocation(store.db, runId, { host: 'desk.example', address: '203.0.113.9', country: 'SG', note: null });
  t.is((await signalsOf(store, runId, 'id:op')).signal('offshore_platform').strength, 0.5);
  await saveHostLocation(store.db, runId, { host: 'desk.example', address: '114.114.114.114', country: 'CN', note: null });
  t.is((await signalsOf(store, runId, 'id:op')).signal('offshore_platform').strength, 0);
});

test(title("when a source's latest run has no host location, its latest located one is read, named by the first run that resolved so"), async (t) => {
  const store = await scoredStore(t, 'SC');
  const first = await crawlOf(store, [listing('u1', 'op')]);
  await saveHostLocation(store.db, first, { host: 'desk.example', address: '203.0.113.9', country: 'SG', note: null });
  const second = await crawlOf(store, [listing('u1', 'op')]);
  const offshore = (await signalsOf(store, second, 'id:op')).signal('offshore_platform');
  t.is(offshore.strength, 1);
  t.like(offshore.evidence, { resolved: [{ sourceId: 'src', runId: first, country: 'SG' }] });

  const third = await crawlOf(store, [listing('u1', 'op')]);
  await saveHostLocation(store.db, third, { host: 'desk.example', address: '203.0.113.9', country: 'SG', note: null });
  const same = (await signalsOf(store, third, 'id:op')).signal('offshore_platform');
  t.like(same.evidence, { resolved: [{ runId: first, address: '203.0.113.9' }] }, 'resolving the same again does not move the evidence');
  t.is(same.runId, second, 'nor rewrite the row');

  const fourth = await crawlOf(store, [listing('u1', 'op')]);
  await saveHostLocation(store.db, fourth, { host: 'desk.example', address: '114.114.114.114', country: 'CN', note: null });
  const moved = (await signalsOf(store, fourth, 'id:op')).signal('offshore_platform');
  t.is(moved.strength, 0.5);
  t.like(moved.evidence, { resolved: [{ runId: fourth, country: 'CN' }] });
});

test(title('a closed run counts once, whichever scoring meets it first, and scoring a run again changes nothing'), async (t) => {
  const store = await scoredStore(t, 'SC');
  await upsertSource(store.db, { id: 'src2', adapter: 'demo-api', platform: 'desk', kind: 'api', baseUrl: 'http://127.0.0.1:2', hostCountry: null });
  // 10:00 and 02:00 in UTC+8; the same seller on both sources of the platform.
  const onSrc = await crawlOf(store, [listing('a1', 'op', { terms: '加微信 jinsha123' })], new Date('2024-03-01T02:00:00Z'));
  const onSrc2 = await crawlOf(store, [listing('b1', 'op', { terms: '加微信 jinsha123' })], new Date('2024-03-01T18:00:00Z'), 'src2');

  const [a1, b1] = (await store.db.selectFrom('listings').select('id').where('platform_key', 'in', ['a1', 'b1']).orderBy('platform_key').execute()).map((r) => r.id);
  const first = await signalsOf(store, onSrc, 'id:op');
  t.like(first.signal('mainland_daytime').evidence, { daytimeRuns: 1, runs: 2, runIds: [onSrc] });
  t.like(first.signal('offshore_platform').evidence, { declared: [{ sourceId: 'src', country: 'SC' }, { sourceId: 'src2', country: null }] });
  t.like((first.signal('domestic_contact').evidence.contacts as unknown[])[0], { handle: 'jinsha123', listingIds: [a1, b1], runIds: [onSrc] });

  const evidence = async (runId: number) => (await signalsOf(store, runId, 'id:op')).why.signals.map((s) => [s.signal, s.strength, s.evidence]);
  const once = await evidence(onSrc2);
  t.deepEqual(once, first.why.signals.map((s) => [s.signal, s.strength, s.evidence]));
  t.deepEqual(await evidence(onSrc2), once);
});

test(title('a pass rewrites only the signals its run changed: the order count and the run counts, not the first sightings'), async (t) => {
  const store = await scoredStore(t, 'SC');
  const cny = (orders: number) => listing('c1', 'op', { fiat: 'CNY', price: '7.26', operatorName: '金沙承兑', terms: '加微信 jinsha123', paymentMethods: [{ code: 'alipay', raw: '支付宝' }], monthOrderCount: orders });
  const first = await crawlOf(store, [cny(100)], new Date('2024-03-01T02:00:00Z'));
  const before = (await signalsOf(store, first, 'id:op')).why;
  const second = await crawlOf(store, [cny(300)], new Date('2024-03-01T04:00:00Z'));
  const after = (await signalsOf(store, second, 'id:op')).why;

  const runOf = (why: typeof after) => Object.fromEntries(why.signals.map((s) => [s.signal, s.runId]));
  t.deepEqual(runOf(after), {
    ...runOf(before),
    cny_order_volume: second,
    mainland_daytime: second,
  });
  t.is(after.signals.find((s) => s.signal === 'cny_order_volume')!.strength, 0.3);
  t.like(after.signals.find((s) => s.signal === 'mainland_daytime')!.evidence, { runs: 2, daytimeRuns: 2 });
  const unchanged = (why: typeof after) => why.signals.filter((s) => !['cny_order_volume', 'mainland_daytime'].includes(s.signal)).map((s) => [s.signal, s.evidence]);
  t.deepEqual(unchanged(after), unchanged(before));
});

test(title('an operator is alerted once as domestic-facing, and a pass that stored its score without the alert raises it at the next'), async (t) => {
  const store = await scoredStore(t, 'SC');
  const cny = listing('c1', 'op', { fiat: 'CNY', price: '7.26', operatorName: '金沙承兑', terms: '加微信 jinsha123', paymentMethods: [{ code: 'alipay', raw: '支付宝' }], monthOrderCount: 500 });
  const first = await crawlOf(store, [cny]);
  t.like(await scoreRun(store, { sourceId: 'src', runId: first }), { scored: 1, domesticFacing: 1, alerts: 1 });
  const second = await crawlOf(store, [cny]);
  t.like(await scoreRun(store, { sourceId: 'src', runId: second }), { scored: 1, domesticFacing: 1, alerts: 0 });

  await store.db.deleteFrom('alerts').execute();
  const third = await crawlOf(store, [cny]);
  t.like(await scoreRun(store, { sourceId: 'src', runId: third }), { domesticFacing: 1, alerts: 1 });
  const [alert] = await store.db.selectFrom('alerts').selectAll().execute();
  t.like(alert, { kind: 'new_domestic_facing_operator', run_id: third });
  t.regex(alert!.subject, /^金沙承兑 looks domestic-facing \(score [\d.]+ ≥ 50\)/);
});
