import test from 'ava';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { addShippedSource, runListingKeys } from './helpers/declarative-sources.ts';
import { startLocalServer } from './helpers/local-server.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

/**
 * A local server in front of the demo marketplace that serves `/market`
 * page 2 with its markup rewritten by `breakPage2`, as when a site ships a
 * redesign; every other request passes through unchanged.
 */
async function redesignProxy(t: import('ava').ExecutionContext, upstream: string) {
  const proxy = { breakPage2: null as ((html: string) => string) | null };
  const server = await startLocalServer(async (req, res) => {
    const url = new URL(req.url ?? '/', upstream);
    const response = await fetch(url);
    let body = await response.text();
    if (proxy.breakPage2 && url.pathname === '/market' && url.searchParams.get('page') === '2') body = proxy.breakPage2(body);
    res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' });
    res.end(body);
  });
  t.teardown(() => server.close());
  return Object.assign(proxy, { url: server.url });
}

test(title('renamed row classes on one page fail that page as a layout change: the run is partial and nothing vanishes'), async (t) => {
  const rig = await demoCrawlRig(t);
  const proxy = await redesignProxy(t, rig.market.url);
  await addShippedSource(rig.store, 'demo-board.yaml', proxy.url);
  const ads = rig.market.state().ads.map((ad) => ad.adId);

  const complete = await rig.crawl('demo-board');
  t.is(complete.status, 'complete', complete.error ?? '');
  t.deepEqual(await runListingKeys(rig.store, complete.runId), [...ads].sort());

  proxy.breakPage2 = (html) => html.replaceAll('<tr class="ad"', '<tr class="offer-row"');
  const broken = await rig.crawl('demo-board');
  t.is(broken.status, 'partial', 'a partial run: its absences are not vanishes');
  t.is(broken.pagesFailed, 1);
  t.regex(broken.error ?? '', /page=2: rows selector "table\.ads tr\.ad" matched nothing and the page is not marked as empty .*layout changed\?/);
  // Page 1 is stored; page 2's listings are not recorded as seen-and-gone, and the pager stopped at the broken page.
  t.deepEqual(await runListingKeys(rig.store, broken.runId), ads.slice(0, 20).sort());
  t.is(broken.parseFailures, 0, 'a layout change is not reported as bad rows');
  const evidence = await rig.store.db.selectFrom('evidence').select(['url', 'outcome', 'error']).where('run_id', '=', broken.runId).orderBy('url').execute();
  t.deepEqual(evidence.map((e) => [new URL(e.url).search, e.outcome]), [['?page=1', 'ok'], ['?page=2', 'failed']]);
  t.regex(evidence[1]!.error ?? '', /layout changed\?/);

  proxy.breakPage2 = null;
  const repaired = await rig.crawl('demo-board');
  t.is(repaired.status, 'complete', repaired.error ?? '');
  t.deepEqual(await runListingKeys(rig.store, repaired.runId), [...ads].sort());
});

test(title('a renamed field cell fails the page once too many rows miss it; the raw rows are kept'), async (t) => {
  const rig = await demoCrawlRig(t);
  const proxy = await redesignProxy(t, rig.market.url);
  await addShippedSource(rig.store, 'demo-board.yaml', proxy.url);
  proxy.breakPage2 = (html) => html.replaceAll('<td class="price">', '<td class="unit-price">');
  const result = await rig.crawl('demo-board');
  t.is(result.status, 'partial');
  t.regex(result.error ?? '', /page=2: 20 of 20 rows failed to parse — layout changed\? First: price: selector "td\.price" found nothing/);
  t.deepEqual(await runListingKeys(rig.store, result.runId), rig.market.state().ads.slice(0, 20).map((ad) => ad.adId).sort());
  const failures = await rig.store.db.selectFrom('parse_failures').select(['field_path', 'raw']).where('run_id', '=', result.runId).execute();
  t.is(failures.length, 20);
  t.true(failures.every((f) => f.field_path === 'price' && f.raw.includes('class="unit-price"')));
});

test(title('an explicit "no results" page is an empty page, not a layout change'), async (t) => {
  const rig = await demoCrawlRig(t);
  const proxy = await redesignProxy(t, rig.market.url);
  await addShippedSource(rig.store, 'demo-board.yaml', proxy.url);
  // The board's own empty state: no rows, 暂无广告, no next link.
  proxy.breakPage2 = (html) => html.replace(/<tr class="ad"[^]*<\/tbody>/, '</tbody>').replace('</table>', '</table>\n<p class="no-results">暂无广告</p>').replace(/<a rel="next"[^>]*>[^<]*<\/a>/, '');
  const result = await rig.crawl('demo-board');
  t.is(result.status, 'complete', result.error ?? '');
  t.is(result.pagesOk, 2);
  t.is(result.listings, 20);
});
