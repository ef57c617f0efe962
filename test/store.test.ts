import test from 'ava';
import { sql } from 'kysely';
import type { NormalizedListing } from '../crawler/listing.ts';
import { countRunContents, failAbandonedRuns, getRun, startRun } from '../store/crawl-runs.ts';
import { migrations } from '../migrations/index.ts';
import { migrateDown, migrateToLatest, migrationStatus } from '../store/migrate.ts';
import { writeSnapshot, type SnapshotPage } from '../store/snapshot-writer.ts';
import { upsertSource } from '../store/sources.ts';
import { runSql } from '../store/read-only-query.ts';
import type { Store } from '../store/connection.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

function listing(overrides: Partial<NormalizedListing> = {}): NormalizedListing {
  return {
    listingKey: 'ad-1',
    operatorKey: 'id:u1',
    operatorName: '金沙承兑',
    side: 'sell',
    asset: 'USDT',
    fiat: 'CNY',
    price: '7.26',
    available: '1520.33',
    minOrder: '500',
    maxOrder: '11037.59',
    paymentMethods: [{ code: 'alipay', raw: '支付宝' }],
    terms: '只收支付宝',
    completionRate: '0.987',
    orderCount: 9321,
    monthOrderCount: 812,
    ...overrides,
  };
}

function page(listings: NormalizedListing[], url = 'http://127.0.0.1/p1'): SnapshotPage {
  return { url, fetchedAt: new Date(), outcome: 'ok', httpStatus: 200, error: null, sha256: 'ab'.repeat(32), bytes: 10, serverIp: null, exchanges: [], listings, failures: [] };
}

async function withSource(store: Store): Promise<number> {
  await upsertSource(store.db, { id: 'src', adapter: 'demo-api', platform: 'demo', kind: 'api', baseUrl: 'http://127.0.0.1:1' });
  return startRun(store.db, 'src');
}

test(title('migrations go up, down and up again'), async (t) => {
  const store = await createTestStore({ migrated: false });
  t.teardown(() => store.close());
  const tables = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name in ('sources', 'crawl_runs', 'listing_observations', 'payment_methods')`.execute(store.db)).rows[0]!.n;

  t.deepEqual(await migrateToLatest(store.db), Object.keys(migrations));
  t.is(Number(await tables()), 4);
  t.true((await migrationStatus(store.db)).every((m) => m.executedAt !== null));
  t.deepEqual(await migrateToLatest(store.db), []);
  await migrateDown(store.db, { all: true });
  t.is(Number(await tables()), 0);
  t.true((await migrationStatus(store.db)).every((m) => m.executedAt === null));
  await migrateToLatest(store.db);
  t.is(Number(await tables()), 4);
});

test(title('a snapshot keeps money exact and identities stable across runs'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  const first = await withSource(store);
  await writeSnapshot(store.db, {
    runId: first,
    platform: 'demo',
    status: 'complete',
    error: null,
    pages: [page([listing({ price: '123456789012.123456789', available: '0.00000001' })])],
  });
  const second = await startRun(store.db, 'src');
  await writeSnapshot(store.db, {
    runId: second,
    platform: 'demo',
    status: 'complete',
    error: null,
    pages: [page([listing({ operatorName: '金沙承兑2号', price: '7.25' })])],
  });

  const rows = await store.db
    .selectFrom('listing_observations')
    .select(['run_id', 'listing_id', 'operator_id', 'operator_name', 'price', 'available'])
    .orderBy('run_id')
    .execute();
  t.is(rows.length, 2);
  t.is(rows[0]!.price, '123456789012.123456789');
  t.is(rows[0]!.available, '0.00000001');
  t.is(rows[1]!.price, '7.25');
  t.is(rows[0]!.listing_id, rows[1]!.listing_id, 'same platform ad id → same listing');
  t.is(rows[0]!.operator_id, rows[1]!.operator_id, 'a renamed operator keeps its identity');
  t.deepEqual(rows.map((r) => r.operator_name), ['金沙承兑', '金沙承兑2号']);
  const operator = await store.db.selectFrom('operators').select('name').executeTakeFirstOrThrow();
  t.is(operator.name, '金沙承兑2号');
  t.is((await getRun(store.db, second))!.status, 'complete');
});

test(title('unknown payment methods are kept with their raw text; a listing seen twice in a run is kept once'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  const runId = await withSource(store);
  const methods = [{ code: 'alipay', raw: 'ALIPAY' }, { code: null, raw: 'SuperPay 88' }];
  await writeSnapshot(store.db, {
    runId,
    platform: 'demo',
    status: 'complete',
    error: null,
    pages: [page([listing({ paymentMethods: methods })], 'http://x/1'), page([listing({ price: '9.99' }), listing({ listingKey: 'ad-2' })], 'http://x/2')],
  });
  const stored = await store.db.selectFrom('listing_payment_methods').select(['method_key', 'method_code', 'raw_text']).orderBy('method_key').execute();
  t.deepEqual(stored.filter((m) => m.raw_text !== '支付宝'), [
    { method_key: 'alipay', method_code: 'alipay', raw_text: 'ALIPAY' },
    { method_key: 'unknown:SuperPay 88', method_code: null, raw_text: 'SuperPay 88' },
  ]);
  const prices = await store.db.selectFrom('listing_observations').select('price').orderBy('price').execute();
  t.deepEqual(prices.map((p) => p.price), ['7.26', '7.26'], 'first sighting of ad-1 wins, ad-2 stored');
  t.deepEqual(await countRunContents(store.db, runId), { observations: 2, operators: 1, parseFailures: 0 });
  t.is((await getRun(store.db, runId))!.listings_count, 2);
});

test(title('a lone surrogate in seller text is stored as U+FFFD, paired ones as they are, beside the row\'s other texts'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  const runId = await withSource(store);
  const name = 'Mint \ud83d Traders \ud83d\ude00';
  await writeSnapshot(store.db, {
    runId,
    platform: 'demo',
    status: 'complete',
    error: null,
    pages: [page([listing({ operatorName: name, terms: '\udc00加微信', paymentMethods: [{ code: null, raw: 'Pay\ud800' }] })], 'http://x/1')],
  });
  const [row] = await store.db.selectFrom('listing_observations').select(['operator_name', 'terms', 'payment_methods']).execute();
  t.deepEqual(row, { operator_name: 'Mint \ufffd Traders \ud83d\ude00', terms: '\ufffd加微信', payment_methods: ['unknown:Pay\ufffd'] });
  t.deepEqual(await store.db.selectFrom('operators').select('name').execute(), [{ name: 'Mint \ufffd Traders \ud83d\ude00' }]);
});

test(title('a snapshot that fails half-way leaves no rows and the run not complete'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  const runId = await withSource(store);
  const bad = listing({ listingKey: 'ad-9', paymentMethods: [{ code: 'no_such_code', raw: 'x' }] });
  await t.throwsAsync(writeSnapshot(store.db, { runId, platform: 'demo', status: 'complete', error: null, pages: [page([listing(), bad])] }));
  t.is((await getRun(store.db, runId))!.status, 'running');
  t.deepEqual(await countRunContents(store.db, runId), { observations: 0, operators: 0, parseFailures: 0 });
  t.is(Number((await sql<{ n: number }>`select count(*)::int as n from listings`.execute(store.db)).rows[0]!.n), 0);
  t.is(await failAbandonedRuns(store.db, 'src'), 1);
  const run = (await getRun(store.db, runId))!;
  t.is(run.status, 'failed');
  t.regex(run.error ?? '', /abandoned/);
});

test(title('parse failures are stored with their raw text and field'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  const runId = await withSource(store);
  const withFailure = { ...page([listing()]), failures: [{ raw: '{"price":"N/A"}', error: 'price: "N/A" is not a decimal number', fieldPath: 'adv.price', url: 'http://x/1' }] };
  await writeSnapshot(store.db, { runId, platform: 'demo', status: 'complete', error: null, pages: [withFailure] });
  const failures = await store.db.selectFrom('parse_failures').select(['raw', 'field_path', 'error']).execute();
  t.deepEqual(failures, [{ raw: '{"price":"N/A"}', field_path: 'adv.price', error: 'price: "N/A" is not a decimal number' }]);
  t.is((await getRun(store.db, runId))!.parse_failures_count, 1);
});

test(title('investigator SQL is read-only unless asked to write'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  const rows = await runSql(store.consoleTarget, "select code from payment_methods where code = 'alipay'");
  t.deepEqual(rows, [{ code: 'alipay' }]);
  await t.throwsAsync(runSql(store.consoleTarget, 'delete from payment_methods'), { message: /read-only/ });
  t.is((await runSql(store.consoleTarget, 'select count(*)::int as n from payment_methods'))[0]!.n as number > 0, true);
});
