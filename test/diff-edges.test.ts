import test from 'ava';
import { diffRuns } from '../store/diff/diff-runs.ts';
import type { RunDiff } from '../store/diff/run-diff.ts';
import { handListing as listing, handSnapshot as snapshot, handSource } from './helpers/hand-snapshots.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

/** The operator-level method facts as `<operator> <method> <listings>` lines, in the diff's order. */
const operatorMethods = (facts: RunDiff['methods']['operators']['added']) => facts.map((m) => `${m.operatorKey} ${m.method} ${m.listingKeys.join(',')} ${m.operatorName}`);

test(title('the diff follows a listing to its new operator, a refusal turned acceptance and a move from zero; a partial run keeps only what it read'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  await handSource(store);
  await snapshot(store, 'complete', [
    listing('L1', 'X', ['alipay', 'cn_bank_card']),
    listing('L2', 'X', ['cn_bank_card']),
    listing('L3', 'Y', ['wise', '!alipay'], null, '0'),
    listing('L4', 'Z', ['wechat_pay']),
  ]);
  // L1 moves from X to Y with its methods, L4 from Z to a new operator W; L3 now takes Alipay and has a price.
  await snapshot(store, 'complete', [
    listing('L1', 'Y', ['alipay', 'cn_bank_card']),
    listing('L2', 'X', ['cn_bank_card']),
    { ...listing('L3', 'Y', ['wise', 'alipay'], '7.20', '50'), operatorName: 'seller Y (2)' },
    listing('L4', 'W', ['wechat_pay']),
  ]);

  const diff = (await diffRuns(store.db, { sourceId: 'hand' }))!;
  t.deepEqual(diff.operators.appeared.map((o) => [o.operatorKey, o.operatorName, o.listings]), [['id:W', 'seller W', 1]]);
  t.deepEqual(diff.operators.vanished.map((o) => [o.operatorKey, o.operatorName, o.listings]), [['id:Z', 'seller Z', 1]]);
  t.deepEqual([diff.listings.appeared, diff.listings.vanished], [[], []], 'a listing that changed operator neither appeared nor vanished');
  t.deepEqual(diff.priceMoves, [], 'a price that did not read in the from-run has not moved');
  t.deepEqual(diff.volumeMoves.map((m) => [m.listingKey, m.operatorName, Number(m.old), Number(m.new), m.change]), [['L3', 'seller Y (2)', 0, 50, null]]);
  t.deepEqual(diff.methods.listings.added.map((m) => `${m.listingKey} ${m.method}`), ['L3 alipay'], 'a refused method that is now accepted is added');
  t.deepEqual(diff.methods.listings.dropped, []);
  // Y gains what L1 brought, though L1 itself took the same methods in both runs; X loses Alipay with it.
  t.deepEqual(operatorMethods(diff.methods.operators.added), ['id:Y alipay L1,L3 seller Y', 'id:Y cn_bank_card L1 seller Y']);
  t.deepEqual(operatorMethods(diff.methods.operators.dropped), ['id:X alipay L1 seller X']);

  // A partial run that read only L1 (back with X, without Alipay) and L3: no absences, but what it read is whole.
  await snapshot(store, 'partial', [listing('L1', 'X', ['cn_bank_card']), { ...listing('L3', 'Y', ['wise', 'alipay'], '7.20', '50'), operatorName: 'seller Y (2)' }]);
  const partial = (await diffRuns(store.db, { sourceId: 'hand' }))!;
  t.false(partial.vanishedReported);
  t.deepEqual([partial.operators.vanished, partial.listings.vanished, partial.methods.operators.dropped], [[], [], []]);
  t.deepEqual(partial.methods.listings.dropped.map((m) => `${m.listingKey} ${m.method} ${m.operatorName}`), ['L1 alipay seller Y']);
  t.deepEqual(operatorMethods(partial.methods.operators.added), [], 'X took Alipay nowhere in the partial run; cn_bank_card it had on L2');
  t.deepEqual(partial.operators.appeared, []);
});
