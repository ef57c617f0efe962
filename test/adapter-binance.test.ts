import test from 'ava';
import { adapterCrawlRig } from './helpers/adapter-crawl.ts';
import { adapterContract, setField } from './helpers/adapter-contract.ts';
import { binanceKit } from './helpers/binance-platform.ts';
import { bookMatching } from './helpers/platform-server.ts';
import { storedListings } from './helpers/stored-listings.ts';
import { storeEngine } from './helpers/test-store.ts';

// Serial, like the contract tests: PGlite stores are built on this process's event loop.
const title = (name: string) => `binance: ${name} (${storeEngine})`;
const SELLERS_BOOK = { asset: 'USDT', tradeType: 'BUY' };

adapterContract(binanceKit, { book: SELLERS_BOOK, page: 2 });

test.serial(title("a taker-BUY query lists sellers' ads, stored on the sell side"), async (t) => {
  const rig = await adapterCrawlRig(t, binanceKit);
  await rig.source({ assets: ['USDT'] });
  const result = await rig.crawl();
  t.is(result.status, 'complete', result.error ?? '');
  const sellerAds = new Set(bookMatching(binanceKit, SELLERS_BOOK).rows.map((row) => binanceKit.expected(row).listing));
  const stored = await storedListings(rig.store, result.runId);
  t.true(sellerAds.size > 0);
  for (const listing of stored) t.is(listing.side, sellerAds.has(listing.listing) ? 'sell' : 'buy', listing.listing);
  t.deepEqual([...new Set(rig.server.calls.map((c) => c.query.tradeType))].sort(), ['BUY', 'SELL']);
});

test.serial(title('a row whose side contradicts its book fails at adv.tradeType instead of storing the wrong side'), async (t) => {
  const rig = await adapterCrawlRig(t, binanceKit);
  await rig.source({ assets: ['USDT'], sides: ['sell'] });
  rig.server.inject({ book: SELLERS_BOOK, page: 1, kind: 'rows', mutate: (row, i) => (i === 0 ? setField(row, 'adv.tradeType', 'BUY') : row) });
  const result = await rig.crawl();
  t.is(result.status, 'complete', result.error ?? '');
  const [failure, ...more] = await rig.failures(result.runId);
  t.is(more.length, 0);
  t.is(failure?.field_path, 'adv.tradeType');
  t.regex(failure?.error ?? '', /buy ad in the book of sell ads/);
  t.is(result.listings, bookMatching(binanceKit, SELLERS_BOOK).rows.length - 1);
});

test.serial(title('params narrow the matrix and send payTypes as one filter'), async (t) => {
  const rig = await adapterCrawlRig(t, binanceKit);
  await rig.source({ assets: ['usdt'], fiats: ['CNY'], sides: ['sell'], payTypes: ['ALIPAY', 'WECHAT'] });
  const result = await rig.crawl();
  t.is(result.status, 'complete', result.error ?? '');
  t.deepEqual(
    rig.server.calls.map((c) => [c.page, (c.body as Record<string, unknown>).asset, (c.body as Record<string, unknown>).tradeType, (c.body as Record<string, unknown>).payTypes]).sort(),
    [1, 2, 3].map((page) => [page, 'USDT', 'BUY', ['ALIPAY', 'WECHAT']]),
  );
});

test.serial(title('more than half of a page failing fails the page; half is only row failures'), async (t) => {
  const rig = await adapterCrawlRig(t, binanceKit);
  await rig.source({ assets: ['USDT'], sides: ['sell'] });
  // 20 rows a page: 10 rows without a price on page 1 are row failures, 11 on page 2 fail the page.
  rig.server.inject({ book: SELLERS_BOOK, page: 1, kind: 'rows', mutate: (row, i) => (i < 10 ? setField(row, 'adv.price', null) : row) });
  rig.server.inject({ book: SELLERS_BOOK, page: 2, kind: 'rows', mutate: (row, i) => (i < 11 ? setField(row, 'adv.price', null) : row) });
  const result = await rig.crawl();
  t.is(result.status, 'partial');
  t.regex(result.error ?? '', /USDT\/CNY sellers' ads, page 2: .*11 of 20 rows failed to parse — layout changed\?/);
  t.is(result.parseFailures, 21);
  t.is(result.listings, 10 + 5, 'page 1 keeps its 10 good rows, page 3 its 5; page 2 stores none');
});

test.serial(title('bad params fail the run before any request, naming the param'), async (t) => {
  const rig = await adapterCrawlRig(t, binanceKit);
  await rig.source({ sides: ['BUY'] });
  const result = await rig.crawl();
  t.is(result.status, 'failed');
  t.regex(result.error ?? '', /params\.sides: "BUY" is not "sell" or "buy"/);
  t.is(rig.server.calls.length, 0);
});
