import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { SHIPPED_SOURCES_DIR } from '../crawler/declarative/stored-source.ts';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { cliRig } from './helpers/cli.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const FIXTURES = path.join(import.meta.dirname, 'fixtures/declarative');
const CN_BOARD = path.join(SHIPPED_SOURCES_DIR, 'example-cn-board.yaml');
const CN_PAGE = path.join(FIXTURES, 'example-cn-board.html');

test(title('sources validate prints OK, or every problem with exit code 1'), async (t) => {
  const { cli } = await cliRig(t);
  const ok = await cli('sources', 'validate', CN_BOARD);
  t.is(ok.code, 0, ok.stderr);
  t.is(ok.stdout.trim(), `${CN_BOARD}: OK (html source "example-cn-board", platform example-cn-board)`);

  const bad = path.join(FIXTURES, 'invalid-board.yaml');
  const refused = await cli('sources', 'validate', bad);
  t.is(refused.code, 1);
  t.regex(refused.stderr, new RegExp(`^${bad.replaceAll('.', '\\.')}: fields\\.price: required$`, 'm'));
  t.regex(refused.stderr, /pagination\.kind: expected one of page\|offset\|cursor\|next_link, got "pages"$/m);
  t.is(refused.stdout, '');
});

test(title('sources try --fixture prints the rows, the parse failures and the next page, and writes nothing'), async (t) => {
  const { cli, dataDir } = await cliRig(t);
  const text = await cli('sources', 'try', CN_BOARD, '--fixture', CN_PAGE);
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, /listings \(5\):/);
  t.regex(text.stdout, /88123 +\| id:10086 +\| 金沙承兑 +\| sell \| USDT +\| CNY +\| 7\.25 +\| +2500 \| 500-50000 +\| alipay,wechat_pay,unionpay,digi/);
  t.regex(text.stdout, /88125 +\| [^|]+\| [^|]+\| sell \| USDT +\| CNY +\| negotiable \|/);
  t.regex(text.stdout, /parse failures \(1\):[\s\S]*price +\| price: "面议" is a negotiable price/);
  t.regex(text.stdout, /next page: GET https:\/\/otc-board\.example\/otc\/usdt\/sell\?page=2/);

  const json = await cli('sources', 'try', CN_BOARD, '--fixture', CN_PAGE, '--json');
  t.is(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as { listings: { listingKey: string; priceNegotiable: boolean; fieldFailures: unknown[] }[]; failures: unknown[]; next: { url: string }[] };
  t.is(parsed.listings.length, 5);
  t.deepEqual(parsed.failures, [], 'no row is lost');
  t.deepEqual(parsed.listings.filter((l) => l.priceNegotiable).map((l) => [l.listingKey, l.fieldFailures.length]), [['88125', 1]]);
  t.deepEqual(parsed.next.map((n) => n.url), ['https://otc-board.example/otc/usdt/sell?page=2']);

  t.deepEqual(await readdir(dataDir), [], 'no store was opened, no evidence written');
});

test(title('sources try fetches one page politely from a live site and reports a layout change with exit code 1'), async (t) => {
  const { cli } = await cliRig(t);
  const market = await startDemoMarketplace();
  t.teardown(() => market.close());
  const json = path.join(SHIPPED_SOURCES_DIR, 'demo-json.yaml');
  const live = await cli('sources', 'try', json, '--url', `${market.url}/api/v1/ads?page=1&rows=50`, '--json');
  t.is(live.code, 0, live.stderr);
  const parsed = JSON.parse(live.stdout) as { status: number; listings: unknown[]; next: { url: string }[] };
  t.is(parsed.status, 200);
  t.is(parsed.listings.length, Math.min(50, market.state().ads.length));
  t.true(market.requestLog.entries.some((e) => e.pathname === '/robots.txt'), 'robots.txt was consulted');

  const board = path.join(SHIPPED_SOURCES_DIR, 'demo-board.yaml');
  market.faults.inject({ path: '/market', kind: 'captcha' });
  const captcha = await cli('sources', 'try', board, '--url', `${market.url}/market?page=1`);
  t.is(captcha.code, 1);
  t.regex(captcha.stdout, /page failed: .*rows selector "table\.ads tr\.ad" matched nothing .*\(page "Verify you are human"\); it reads as a captcha or interstitial \(layout changed\?\)/);
});

test(title('sources add registers a file, sources lists it, and crawl stores what the marketplace serves'), async (t) => {
  const { cli, dataDir } = await cliRig(t);
  const market = await startDemoMarketplace();
  t.teardown(() => market.close());
  const file = path.join(dataDir, 'my-board.yaml');
  const shipped = await readFile(path.join(SHIPPED_SOURCES_DIR, 'demo-board.yaml'), 'utf8');
  await writeFile(file, shipped.replace(/^name: demo-board$/m, 'name: my-board'));

  const added = await cli('sources', 'add', file, '--base-url', market.url);
  t.is(added.code, 0, added.stderr);
  t.regex(added.stdout, /source my-board added \(declarative html, platform demo\); crawl it with: otcwatch crawl my-board/);

  const list = await cli('sources');
  for (const id of ['demo-board', 'demo-json', 'example-cn-board', 'my-board']) t.regex(list.stdout, new RegExp(`^${id} +\\| declarative +\\| declarative`, 'm'));

  const crawl = await cli('crawl', 'my-board', '--min-gap-ms', '0');
  t.is(crawl.code, 0, crawl.stderr);
  const stored = await cli('sql', '--json', `select l.platform_key as key from listing_observations o join listings l on l.id = o.listing_id
     where o.run_id = (select max(id) from crawl_runs where source_id = 'my-board' and status = 'complete')`);
  t.is(stored.code, 0, stored.stderr);
  const keys = (JSON.parse(stored.stdout) as { key: string }[]).map((r) => r.key).sort();
  t.deepEqual(keys, market.state().ads.map((ad) => ad.adId).sort());

  // A shipped example is read from its file at crawl time; `sources set` re-points it like any source.
  t.is((await cli('sources', 'set', 'demo-json', '--base-url', market.url, '--min-gap-ms', '0')).code, 0);
  const shippedCrawl = await cli('crawl', 'demo-json');
  t.is(shippedCrawl.code, 0, shippedCrawl.stderr);
  const runs = JSON.parse((await cli('runs', '--source', 'demo-json', '--json')).stdout) as { status: string }[];
  t.is(runs[0]?.status, 'complete');

  const clash = await cli('sources', 'add', path.join(FIXTURES, 'coded-name-clash.yaml'));
  t.is(clash.code, 1);
  t.regex(clash.stderr, /source "demo-api" exists and uses the coded adapter demo-api; give the file another name/);
});
