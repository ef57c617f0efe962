import test from 'ava';
import { alertsFromDiff } from '../scripts/alerts/alerts-from-diff.ts';
import { insertAlerts } from '../store/alerts.ts';
import type { Store } from '../store/connection.ts';
import { diffRuns } from '../store/diff/diff-runs.ts';
import { handListing as listing, handSnapshot as snapshot, handSource } from './helpers/hand-snapshots.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

async function raise(store: Store): Promise<string[]> {
  const alerts = alertsFromDiff((await diffRuns(store.db, { sourceId: 'hand' }))!);
  await insertAlerts(store.db, alerts);
  return alerts.map((a) => a.dedupKey).sort();
}

async function idOf(store: Store, table: 'operators' | 'listings', key: string): Promise<number> {
  return (await store.db.selectFrom(table).select('id').where('platform_key', '=', key).executeTakeFirstOrThrow()).id;
}

test(title('alerts from a diff: one per operator and domestic method, vanishes only on complete runs, one per baseline'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  await handSource(store);
  const before = [
    listing('L1', 'X', ['alipay', 'cn_bank_card']),
    listing('L2', 'X', ['cn_bank_card']),
    listing('L3', 'Y', ['wise']),
    listing('L4', 'Z', ['alipay']),
  ];
  const after = [
    listing('L1', 'X', ['alipay', 'cn_bank_card'], '7.10'),
    listing('L2', 'X', ['cn_bank_card', 'alipay']),
    listing('L3', 'Y', ['wise', 'wechat_pay', '?QQ钱包'], '7.00', '50'),
    listing('L5', 'Y', ['unionpay']),
  ];
  const A = await snapshot(store, 'complete', before);
  const B = await snapshot(store, 'complete', after);
  const [X, Y, Z] = [await idOf(store, 'operators', 'id:X'), await idOf(store, 'operators', 'id:Y'), await idOf(store, 'operators', 'id:Z')];
  const [L1, L3] = [await idOf(store, 'listings', 'L1'), await idOf(store, 'listings', 'L3')];

  const diff = await diffRuns(store.db, { sourceId: 'hand' });
  const unknown = diff!.methods.listings.added.find((m) => m.method === 'unknown:QQ钱包');
  t.like(unknown, { methodCode: null, methodName: 'QQ钱包', domestic: false, listingKey: 'L3' });
  t.deepEqual(await raise(store), [
    `new_domestic_payment_method:hand:operator:${X}:alipay:baseline:${A}`,
    `new_domestic_payment_method:hand:operator:${Y}:unionpay:baseline:${A}`,
    `new_domestic_payment_method:hand:operator:${Y}:wechat_pay:baseline:${A}`,
    `operator_vanished:hand:operator:${Z}:baseline:${A}`,
    `price_move:hand:listing:${L1}:baseline:${A}`,
    `volume_move:hand:listing:${L3}:baseline:${A}`,
  ]);
  const stored = await store.db.selectFrom('alerts').selectAll().orderBy('id').execute();
  const alsoAlipay = stored.find((a) => a.dedup_key.includes(':alipay:'))!;
  t.is(alsoAlipay.subject, 'seller X now also accepts Alipay (domestic) on L2', 'X already took Alipay on L1');
  t.is(alsoAlipay.listing_id, diff!.methods.listings.added.find((m) => m.listingKey === 'L2')!.listingId);
  t.regex(stored.find((a) => a.kind === 'price_move')!.subject, /^seller X sell USDT\/CNY L1: price 7(\.00)? → 7\.1(0)? CNY \(\+1\.43%\)$/);
  t.regex(stored.find((a) => a.kind === 'volume_move')!.subject, /available 100 → 50 USDT \(−50\.00%\)$/);

  // A partial run without Y's page: no vanish; then the complete run after it finds nothing new against B.
  await snapshot(store, 'partial', after.filter((l) => !l.operatorKey.endsWith('Y')));
  t.deepEqual(await raise(store), []);
  await snapshot(store, 'complete', after);
  t.is((await diffRuns(store.db, { sourceId: 'hand' }))!.from.id, B, 'the partial run is not the baseline');
  t.deepEqual(await raise(store), []);

  // X stops taking Alipay, then takes it again: a new baseline, so a new alert.
  const withoutAlipay = after.map((l) => ({ ...l, paymentMethods: l.paymentMethods.filter((m) => m.code !== 'alipay') }));
  const E = await snapshot(store, 'complete', withoutAlipay);
  t.deepEqual(await raise(store), []);
  await snapshot(store, 'complete', after);
  t.deepEqual(await raise(store), [`new_domestic_payment_method:hand:operator:${X}:alipay:baseline:${E}`]);
  t.is(await store.db.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)), 7);
});
