import test from 'ava';
import { adapterCrawlRig } from './helpers/adapter-crawl.ts';
import { adapterContract } from './helpers/adapter-contract.ts';
import { okxKit } from './helpers/okx-platform.ts';
import { bookMatching } from './helpers/platform-server.ts';
import { storedListings } from './helpers/stored-listings.ts';
import { storeEngine } from './helpers/test-store.ts';

// Serial, like the contract tests: PGlite stores are built on this process's event loop.
const title = (name: string) => `okx: ${name} (${storeEngine})`;
const SELLERS_BOOK = { baseCurrency: 'usdt', side: 'sell' };

adapterContract(okxKit, { book: SELLERS_BOOK, page: 1 });

test.serial(title('one book per side and payment filter, with lower-case currencies'), async (t) => {
  const rig = await adapterCrawlRig(t, okxKit);
  await rig.source({ assets: ['USDT'], payTypes: ['alipay', 'wxPay'] });
  const result = await rig.crawl();
  t.is(result.status, 'complete', result.error ?? '');
  const seen = rig.server.calls.map((c) => {
    const q = new URL(c.url, 'http://okx.test').searchParams;
    return `${q.get('baseCurrency')}/${q.get('quoteCurrency')} ${q.get('side')} ${q.get('paymentMethod')}`;
  });
  t.deepEqual(seen.sort(), ['usdt/cny buy alipay', 'usdt/cny buy wxPay', 'usdt/cny sell alipay', 'usdt/cny sell wxPay']);
  // The test server does not filter by method, so each ad comes twice; it is stored once.
  const expected = [...bookMatching(okxKit, SELLERS_BOOK).rows, ...bookMatching(okxKit, { baseCurrency: 'usdt', side: 'buy' }).rows];
  t.is((await storedListings(rig.store, result.runId)).length, expected.length);
});

test.serial(title("side=sell is the sellers' book: its rows are stored as sell ads"), async (t) => {
  const rig = await adapterCrawlRig(t, okxKit);
  await rig.source({ sides: ['sell'] });
  const result = await rig.crawl();
  const stored = await storedListings(rig.store, result.runId);
  t.true(stored.length > 0);
  t.true(stored.every((l) => l.side === 'sell'));
  t.true(rig.server.calls.every((c) => c.query.side === 'sell'));
});

test.serial(title('a book without its side list is a layout change, not an empty book'), async (t) => {
  const rig = await adapterCrawlRig(t, okxKit);
  await rig.source();
  rig.server.inject({ book: SELLERS_BOOK, page: 1, kind: 'body', body: { code: 0, msg: '', data: { buyList: [], sellList: [] } } });
  const result = await rig.crawl();
  t.is(result.status, 'partial');
  t.regex(result.error ?? '', /USDT\/CNY sellers' ads, page 1: .*expected data\.sell to be a list of rows.*layout changed\?/);
});
