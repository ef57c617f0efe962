import test from 'ava';
import { demoState } from '../scripts/demo/marketplace-state.ts';
import { diffRuns } from '../store/diff/diff-runs.ts';
import type { MoveFact, RunDiff } from '../store/diff/run-diff.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { demoChanges, DOMESTIC_CODES, movedAtLeast, type DemoChanges } from './helpers/demo-changes.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
// Serial: each test runs a marketplace in this process next to an embedded store; one at a time keeps the server responsive.
const SEED = 42;

/** The diff in the oracle's spelling. */
function observed(diff: RunDiff) {
  const sorted = (items: string[]) => [...items].sort();
  return {
    listingsAppeared: sorted(diff.listings.appeared.map((l) => l.listingKey)),
    listingsVanished: sorted(diff.listings.vanished.map((l) => l.listingKey)),
    operatorsAppeared: sorted(diff.operators.appeared.map((o) => o.operatorKey)),
    operatorsVanished: sorted(diff.operators.vanished.map((o) => o.operatorKey)),
    listingMethodsAdded: sorted(diff.methods.listings.added.map((m) => `${m.listingKey} ${m.method}`)),
    listingMethodsDropped: sorted(diff.methods.listings.dropped.map((m) => `${m.listingKey} ${m.method}`)),
    operatorMethodsAdded: sorted(diff.methods.operators.added.map((m) => `${m.operatorKey} ${m.method}`)),
    operatorMethodsDropped: sorted(diff.methods.operators.dropped.map((m) => `${m.operatorKey} ${m.method}`)),
  };
}

function expectedFacts(changes: DemoChanges): ReturnType<typeof observed> {
  const { prices: _prices, volumes: _volumes, ...facts } = changes;
  return facts;
}

/** Postgres keeps a numeric's scale as written; compare numbers, not spellings. */
const strip = (decimal: string) => (decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal);
const moveLines = (moves: MoveFact[]) => moves.map((m) => `${m.listingKey} ${strip(m.old)} ${strip(m.new)}`).sort();
const oracleMoves = (values: DemoChanges['prices'], threshold: string) =>
  values.filter((v) => movedAtLeast(v.old, v.new, threshold)).map((v) => `${v.adId} ${strip(v.old)} ${strip(v.new)}`).sort();

test.serial(title('the diff of two crawls is exactly what changed in the marketplace between their ticks'), async (t) => {
  const rig = await demoCrawlRig(t, { seed: SEED, tick: 2 });
  await rig.source('demo-api');
  const first = await rig.crawl('demo-api');
  rig.market.setTick(6);
  const second = await rig.crawl('demo-api');
  t.is(second.status, 'complete', second.error ?? '');
  const changes = demoChanges(demoState(SEED, 2), demoState(SEED, 6));

  const diff = await diffRuns(rig.store.db, { sourceId: 'demo-api' });
  t.truthy(diff);
  t.deepEqual([diff!.from.id, diff!.to.id], [first.runId, second.runId]);
  t.true(diff!.vanishedReported);
  t.deepEqual(observed(diff!), expectedFacts(changes));
  t.true(changes.listingsAppeared.length > 0 && changes.operatorsVanished.length > 0 && changes.operatorMethodsAdded.length > 0);

  for (const m of [...diff!.methods.listings.added, ...diff!.methods.operators.added, ...diff!.methods.operators.dropped]) {
    t.is(m.domestic, DOMESTIC_CODES.has(m.method), m.method);
  }
  const sellers = new Map(rig.market.state().ads.map((ad) => [ad.adId, ad.sellerName]));
  t.deepEqual(diff!.listings.appeared.map((l) => [l.listingKey, l.operatorName]), diff!.listings.appeared.map((l) => [l.listingKey, sellers.get(l.listingKey)]));

  t.deepEqual(moveLines(diff!.priceMoves), oracleMoves(changes.prices, '0.01'));
  t.deepEqual(moveLines(diff!.volumeMoves), oracleMoves(changes.volumes, '0.2'));
  t.true(diff!.priceMoves.length > 0, 'four ticks move some prices by 1 % or more');

  const everything = await diffRuns(rig.store.db, { sourceId: 'demo-api', thresholds: { price: 0, volume: 0 } });
  t.deepEqual(moveLines(everything!.priceMoves), oracleMoves(changes.prices, '0'));
  t.is(everything!.priceMoves.length, changes.prices.filter((p) => p.old !== p.new).length);
  const move = everything!.priceMoves.find((m) => m.change !== null)!;
  t.is(Number(move.change), Number(((Number(move.new) - Number(move.old)) / Number(move.old)).toFixed(6)));
});

test.serial(title('named runs compare either way round; a source with one run has nothing to diff'), async (t) => {
  const rig = await demoCrawlRig(t, { seed: SEED, tick: 3 });
  await rig.source('demo-api');
  await rig.source('demo-html');
  const first = await rig.crawl('demo-api');
  t.is(await diffRuns(rig.store.db, { sourceId: 'demo-api' }), null);
  rig.market.advance();
  const second = await rig.crawl('demo-api');
  const other = await rig.crawl('demo-html');

  const backwards = await diffRuns(rig.store.db, { sourceId: 'demo-api', fromRunId: second.runId, toRunId: first.runId });
  const changes = demoChanges(demoState(SEED, 3), demoState(SEED, 4));
  t.deepEqual(backwards!.listings.appeared.map((l) => l.listingKey).sort(), changes.listingsVanished);
  t.deepEqual(backwards!.operators.vanished.map((o) => o.operatorKey).sort(), changes.operatorsAppeared);

  await t.throwsAsync(diffRuns(rig.store.db, { sourceId: 'demo-api', toRunId: other.runId }), { message: /is a run of demo-html, not of demo-api/ });
  await t.throwsAsync(diffRuns(rig.store.db, { sourceId: 'demo-api', fromRunId: first.runId, toRunId: first.runId }), { message: /itself/ });
  await t.throwsAsync(diffRuns(rig.store.db, { sourceId: 'demo-api', toRunId: 9999 }), { message: /no run #9999/ });
  await t.throwsAsync(diffRuns(rig.store.db, { sourceId: 'demo-api', thresholds: { price: -1 } }), { message: /price threshold/ });
});

test.serial(title('a partial run adds appeared facts, never vanished ones, and is never the baseline'), async (t) => {
  const rig = await demoCrawlRig(t, { seed: SEED, tick: 1 });
  await rig.source('demo-html');
  const baseline = await rig.crawl('demo-html');
  rig.market.advance();
  rig.market.faults.inject({ path: '/market', query: { page: '2' }, kind: '500' });
  const partial = await rig.crawl('demo-html');
  t.is(partial.status, 'partial');
  const changes = demoChanges(demoState(SEED, 1), demoState(SEED, 2));
  // Page 2 failed; the crawl read on past it (issue 12), so every page but the second was read.
  const readAds = demoState(SEED, 2).ads.filter((_, i) => i < 20 || i >= 40);
  const page1 = new Set(readAds.map((ad) => ad.adId));
  const sellersOnPage1 = new Set(readAds.map((ad) => `id:${ad.sellerId}`));

  const diff = await diffRuns(rig.store.db, { sourceId: 'demo-html' });
  t.deepEqual([diff!.from.id, diff!.to.id], [baseline.runId, partial.runId]);
  t.false(diff!.vanishedReported);
  t.deepEqual([diff!.operators.vanished, diff!.listings.vanished, diff!.methods.operators.dropped], [[], [], []]);
  const seen = observed(diff!);
  t.deepEqual(seen.listingMethodsAdded, changes.listingMethodsAdded.filter((m) => page1.has(m.split(' ')[0]!)));
  t.deepEqual(seen.listingsAppeared, changes.listingsAppeared.filter((key) => page1.has(key)));
  t.deepEqual(
    seen.operatorMethodsAdded,
    changes.operatorMethodsAdded.filter((m) => sellersOnPage1.has(m.split(' ')[0]!)),
  );
  t.true(seen.listingMethodsAdded.length > 0, 'the pages that were read show methods added');

  rig.market.faults.clear();
  const complete = await rig.crawl('demo-html');
  const next = await diffRuns(rig.store.db, { sourceId: 'demo-html' });
  t.deepEqual([next!.from.id, next!.to.id], [baseline.runId, complete.runId], 'the partial run is skipped as a baseline');
  t.deepEqual(observed(next!), expectedFacts(changes));
});
