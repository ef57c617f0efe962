import test from 'ava';
import { adapterCrawlRig } from './helpers/adapter-crawl.ts';
import { adapterContract, setField } from './helpers/adapter-contract.ts';
import { htxKit } from './helpers/htx-platform.ts';
import { storeEngine } from './helpers/test-store.ts';

// Serial, like the contract tests: PGlite stores are built on this process's event loop.
const title = (name: string) => `htx: ${name} (${storeEngine})`;
const SELLERS_BOOK = { coinId: '2', tradeType: 'sell' };

adapterContract(htxKit, { book: SELLERS_BOOK, page: 2 });

test.serial(title('requests carry numeric ids; a payment filter by name is sent as its id'), async (t) => {
  const rig = await adapterCrawlRig(t, htxKit);
  await rig.source({ assets: ['BTC', 'USDT'], sides: ['sell'], payTypes: ['支付宝', '3'] });
  const result = await rig.crawl();
  t.is(result.status, 'complete', result.error ?? '');
  const seen = rig.server.calls.map((c) => {
    const q = new URL(c.url, 'http://htx.test').searchParams;
    return `coin ${q.get('coinId')} currency ${q.get('currency')} ${q.get('tradeType')} pay ${q.get('payMethod')} page ${q.get('currPage')}`;
  });
  t.deepEqual(seen.sort(), [
    'coin 1 currency 1 sell pay 2 page 1',
    'coin 1 currency 1 sell pay 3 page 1',
    ...[1, 2, 3].flatMap((page) => [`coin 2 currency 1 sell pay 2 page ${page}`, `coin 2 currency 1 sell pay 3 page ${page}`]),
  ].sort());
});

test.serial(title('an asset without an HTX coin id fails the run before any request'), async (t) => {
  const rig = await adapterCrawlRig(t, htxKit);
  await rig.source({ assets: ['DOGE'] });
  const result = await rig.crawl();
  t.is(result.status, 'failed');
  t.regex(result.error ?? '', /params\.assets: HTX coin "DOGE" has no known id \(1 BTC, 2 USDT, 3 ETH\)/);
  t.is(rig.server.calls.length, 0);
});

test.serial(title('a row with an unknown coin id fails at coinId'), async (t) => {
  const rig = await adapterCrawlRig(t, htxKit);
  await rig.source();
  rig.server.inject({ book: SELLERS_BOOK, page: 1, kind: 'rows', mutate: (row, i) => (i === 0 ? setField(row, 'coinId', 77) : row) });
  const result = await rig.crawl();
  t.is(result.status, 'complete', result.error ?? '');
  const failures = await rig.failures(result.runId);
  t.deepEqual(failures.map((f) => [f.field_path, f.error]), [['coinId', 'coinId: 77 is not a known HTX coin id (1 BTC, 2 USDT, 3 ETH)']]);
});

test.serial(title('an empty page the counts say should hold rows is a layout change'), async (t) => {
  const rig = await adapterCrawlRig(t, htxKit);
  await rig.source();
  const empty = { code: 200, message: '成功', success: true, totalCount: 23, pageSize: 10, totalPage: 3, currPage: 2, data: [] };
  rig.server.inject({ book: SELLERS_BOOK, page: 2, kind: 'body', body: empty });
  const result = await rig.crawl();
  t.is(result.status, 'partial');
  t.regex(result.error ?? '', /page 2 has no rows although the platform counts 3 page\(s\) \(layout changed\?\)/);
});
