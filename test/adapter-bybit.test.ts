import test from 'ava';
import { summarizeRun } from '../store/run-summary.ts';
import { adapterCrawlRig } from './helpers/adapter-crawl.ts';
import { adapterContract } from './helpers/adapter-contract.ts';
import { bybitKit } from './helpers/bybit-platform.ts';
import { byListing, storedListings } from './helpers/stored-listings.ts';
import { storeEngine } from './helpers/test-store.ts';

// Serial, like the contract tests: PGlite stores are built on this process's event loop.
const title = (name: string) => `bybit: ${name} (${storeEngine})`;

adapterContract(bybitKit, { book: { tokenId: 'USDT', side: '1' }, page: 2 });

test.serial(title('numbers travel as strings and side "1" is the sellers\' book'), async (t) => {
  const rig = await adapterCrawlRig(t, bybitKit);
  await rig.source({ assets: ['USDT'], sides: ['sell'], payTypes: ['14'] });
  const result = await rig.crawl();
  t.is(result.status, 'complete', result.error ?? '');
  t.deepEqual(rig.server.violations, []);
  t.deepEqual(
    rig.server.calls.map((c) => c.body as Record<string, unknown>).map((b) => [b.page, b.size, b.side, b.payment]).sort(),
    [['1', '10', '1', ['14']], ['2', '10', '1', ['14']], ['3', '10', '1', ['14']]],
  );
  t.true((await storedListings(rig.store, result.runId)).every((l) => l.side === 'sell'));
});

test.serial(title('params.paymentIdMap names ids the shipped table does not know'), async (t) => {
  const rig = await adapterCrawlRig(t, bybitKit);
  await rig.source({ paymentIdMap: { '2': 'Alipay', '3': '微信' } });
  const result = await rig.crawl();
  t.is(result.status, 'complete', result.error ?? '');
  const names: Record<string, [string, string]> = { '14': ['cn_bank_card', 'Bank Transfer'], '2': ['alipay', 'Alipay'], '3': ['wechat_pay', '微信'] };
  const expected = bybitKit.books.flatMap((book) => book.rows.map((row) => bybitKit.expectedWith(row, names))).sort(byListing);
  t.deepEqual(await storedListings(rig.store, result.runId), expected);
  t.deepEqual((await summarizeRun(rig.store.db, result.runId)).unknownMethods, ['bybit:1']);
});

test.serial(title('a paymentIdMap that is not an id → name object fails the run before any request'), async (t) => {
  const rig = await adapterCrawlRig(t, bybitKit);
  await rig.source({ paymentIdMap: ['Alipay'] });
  const result = await rig.crawl();
  t.is(result.status, 'failed');
  t.regex(result.error ?? '', /params\.paymentIdMap: expected an object of id → method name/);
  t.is(rig.server.calls.length, 0);
});
