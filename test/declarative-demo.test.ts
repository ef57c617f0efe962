import test from 'ava';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { addShippedSource, runListingKeys, runObservations } from './helpers/declarative-sources.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

test(title('the shipped json and html declarative sources store what the coded demo adapters store, for the same tick'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-api');
  await rig.source('demo-html');
  await addShippedSource(rig.store, 'demo-json.yaml', rig.market.url);
  await addShippedSource(rig.store, 'demo-board.yaml', rig.market.url);

  const api = await rig.crawl('demo-api');
  const html = await rig.crawl('demo-html');
  const json = await rig.crawl('demo-json');
  const board = await rig.crawl('demo-board');
  for (const run of [api, html, json, board]) t.is(run.status, 'complete', `${run.sourceId}: ${run.error}`);

  const ads = rig.market.state().ads.map((ad) => ad.adId).sort();
  t.true(ads.length > 40);
  t.deepEqual(await runListingKeys(rig.store, json.runId), ads);
  t.deepEqual(await runObservations(rig.store, json.runId), await runObservations(rig.store, api.runId));
  t.deepEqual(await runObservations(rig.store, board.runId), await runObservations(rig.store, html.runId));
  t.is(board.pagesOk, html.pagesOk);
  t.is(json.pagesOk, api.pagesOk);
});

test(title('a declarative source follows the marketplace from tick to tick like the coded adapter'), async (t) => {
  const rig = await demoCrawlRig(t, { tick: 3 });
  await rig.source('demo-api');
  await addShippedSource(rig.store, 'demo-json.yaml', rig.market.url);
  await rig.crawl('demo-json');
  rig.market.advance();
  const api = await rig.crawl('demo-api');
  const json = await rig.crawl('demo-json');
  t.is(json.status, 'complete', json.error ?? '');
  t.deepEqual(await runObservations(rig.store, json.runId), await runObservations(rig.store, api.runId));
});

test(title('a row whose price does not read is kept with a parse failure and its raw row, exactly as with the coded adapter'), async (t) => {
  const rig = await demoCrawlRig(t);
  await addShippedSource(rig.store, 'demo-board.yaml', rig.market.url);
  rig.market.faults.inject({ path: '/market', query: { page: '1' }, kind: 'malformed-row' });
  const result = await rig.crawl('demo-board');
  t.is(result.status, 'complete', result.error ?? '');
  t.is(result.parseFailures, 1);
  t.is(result.listings, rig.market.state().ads.length);
  const failure = await rig.store.db.selectFrom('parse_failures').selectAll().where('run_id', '=', result.runId).executeTakeFirstOrThrow();
  t.not(failure.observation_id, null);
  t.is(failure.field_path, 'price');
  t.regex(failure.error, /N\/A/);
  t.regex(failure.raw, /^<tr class="ad"/);
});

test(title('an error envelope fails that page of a json declarative source, never reads as empty'), async (t) => {
  const rig = await demoCrawlRig(t, { tick: 200 });
  await addShippedSource(rig.store, 'demo-json.yaml', rig.market.url);
  rig.market.faults.inject({ path: '/api/v1/ads', query: { page: '2' }, kind: 'error-envelope' });
  const result = await rig.crawl('demo-json');
  t.is(result.status, 'partial');
  t.regex(result.error ?? '', /page=2.*error envelope code=42900: too many requests/);
});
