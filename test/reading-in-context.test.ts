import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { sql } from 'kysely';
import { validateSpec } from '../crawler/declarative/load-source-file.ts';
import { getAdapter } from '../crawler/sources/index.ts';
import { createCrawlServices } from '../scripts/jobs/crawl-services.ts';
import { runCrawlJob } from '../scripts/jobs/crawl-job.ts';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { diffRuns } from '../store/diff/diff-runs.ts';
import type { Store } from '../store/connection.ts';
import { upsertSource } from '../store/sources.ts';
import { adapterSourceRegistration } from '../scripts/jobs/builtin-sources.ts';
import { addSpec } from './helpers/declarative-sources.ts';
import { startLocalServer, type LocalServer } from './helpers/local-server.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
// Serial: an embedded PGlite store works on this process's event loop, and would stall the local servers of concurrent tests.

/** A fresh store, crawl services with short backoffs, torn down after the test. */
async function rig(t: ExecutionContext) {
  const [store, dataDir] = await Promise.all([createTestStore(), mkdtemp(path.join(tmpdir(), 'otcwatch-i12-'))]);
  const services = createCrawlServices({ dataDir, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } });
  t.teardown(async () => {
    await services.close();
    await Promise.all([store.close(), rm(dataDir, { recursive: true, force: true })]);
  });
  return { store, crawl: (id: string) => runCrawlJob(store, services, id) };
}

/** Registers a coded adapter as a source pointed at `baseUrl`, limiter off, page retries after 10 ms. */
async function codedSource(store: Store, id: string, baseUrl: string): Promise<void> {
  await upsertSource(store.db, adapterSourceRegistration(getAdapter(id), { baseUrl, politeness: { minGapMs: 0, concurrency: 2, pageRetryDelayMs: 10 } }));
}

/** A local site; robots.txt is absent (404), which allows everything. */
async function serve(t: ExecutionContext, handler: Parameters<typeof startLocalServer>[0]): Promise<LocalServer> {
  const server = await startLocalServer((req, res) => {
    if (req.url === '/robots.txt') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('none');
    }
    return handler(req, res);
  });
  t.teardown(() => server.close());
  return server;
}

function sendJson(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
}

/** One ad in the demo API's shape; `overrides` replace fields. */
function demoAd(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    adId: `ad${i}`, sellerId: `s${i}`, sellerName: `Seller ${i}`, side: 'sell', asset: 'USDT', fiat: 'CNY',
    price: '7.25', available: '100', minOrder: '500', maxOrder: '5000', payMethods: ['ALIPAY'], terms: null, completionRate: '0.99', orders: 10,
    ...overrides,
  };
}

async function stored(store: Store, runId: number) {
  const { rows } = await sql<{ listing: string; operator: string; name: string; price: string | null; negotiable: boolean }>`
    select l.platform_key as listing, op.platform_key as operator, o.operator_name as name, o.price::text as price, o.price_negotiable as negotiable
      from listing_observations o join listings l on l.id = o.listing_id join operators op on op.id = o.operator_id
     where o.run_id = ${runId} order by l.platform_key`.execute(store.db);
  return rows;
}

async function linkedFailures(store: Store, runId: number) {
  const { rows } = await sql<{ listing: string | null; field: string | null; error: string; raw: string }>`
    select l.platform_key as listing, f.field_path as field, f.error, f.raw
      from parse_failures f
      left join listing_observations o on o.id = f.observation_id
      left join listings l on l.id = o.listing_id
     where f.run_id = ${runId} order by f.id`.execute(store.db);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Item 1: methods in context, on a local board whose terms carry contact handles and refusals.

/** The board's cards: terms as sellers write them, and what a person reads as the methods each takes and refuses. */
const CARDS: ReadonlyArray<{ id: string; icons: string[]; terms: string; accepted: string[]; refused: string[] }> = [
  { id: 'c1', icons: ['支付宝'], terms: '加微信 zhang_otc 秒放', accepted: ['alipay'], refused: [] },
  { id: 'c2', icons: [], terms: '微信也可以付款，QQ 12345678', accepted: ['wechat_pay'], refused: [] },
  { id: 'c3', icons: ['银行卡'], terms: '只收银行卡，不收支付宝，不接受微信', accepted: ['cn_bank_card'], refused: ['alipay', 'wechat_pay'] },
  { id: 'c4', icons: [], terms: '银行卡优先，也可微信付款，加微信 abc123', accepted: ['cn_bank_card', 'wechat_pay'], refused: [] },
  { id: 'c5', icons: [], terms: '只收支付宝 不收微信', accepted: ['alipay'], refused: ['wechat_pay'] },
  { id: 'c6', icons: ['云闪付'], terms: 'vx: lee88 联系，wx lee_otc', accepted: ['unionpay'], refused: [] },
  { id: 'c7', icons: [], terms: 'no Alipay, bank transfer only. Telegram @cn_desk', accepted: ['cn_bank_card'], refused: ['alipay'] },
  { id: 'c8', icons: [], terms: '微信号：otc_vip888 电话 13812345678', accepted: [], refused: [] },
];

function boardHtml(): string {
  const cards = CARDS.map(
    (c) => `<li class="offer" data-id="${c.id}"><a class="name" href="/m/${c.id}">卖家${c.id}</a><span class="price">¥7.2${c.id.slice(1)}</span>
<span class="icons">${c.icons.map((alt) => `<img alt="${alt}" src="/i/x.png">`).join('')}</span><p class="terms">${c.terms}</p></li>`,
  ).join('\n');
  return `<!doctype html><html><head><title>承兑</title></head><body><ul class="offers">${cards}</ul></body></html>`;
}

const BOARD_SPEC = {
  name: 'cn-terms-board',
  platform: 'cn-terms-board',
  kind: 'html',
  baseUrl: 'http://127.0.0.1:1',
  request: { url: '/board' },
  rows: 'ul.offers li.offer',
  fields: {
    listingId: { selector: ':self', attr: 'data-id' },
    operatorId: { selector: 'a.name', attr: 'href', regex: '/m/(\\w+)' },
    operatorName: 'a.name',
    side: { const: 'sell' },
    asset: { const: 'USDT' },
    fiat: { const: 'CNY' },
    price: '.price',
    paymentMethods: { selector: '.icons img', from: ['alt'] },
    paymentMethodText: '.terms',
    terms: '.terms',
  },
};

test.serial(title('a board whose terms give WeChat and QQ contacts and refusals stores no false method, keeps the true ones and the refusals'), async (t) => {
  const { store, crawl } = await rig(t);
  const server = await serve(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(boardHtml());
  });
  await addSpec(store, validateSpec(BOARD_SPEC, 'cn-terms-board'), server.url);
  const result = await crawl('cn-terms-board');
  t.is(result.status, 'complete', result.error ?? '');
  const { rows } = await sql<{ listing: string; accepted: string[]; refused: string[] }>`
    select listing_key as listing, payment_methods as accepted, refused_payment_methods as refused
      from v_listing_history where run_id = ${result.runId} order by listing_key`.execute(store.db);
  t.deepEqual(
    rows,
    CARDS.map((c) => ({ listing: c.id, accepted: [...c.accepted].sort(), refused: [...c.refused].sort() })),
  );
  const sources = await store.db
    .selectFrom('listing_payment_methods')
    .innerJoin('listings', 'listings.id', 'listing_payment_methods.listing_id')
    .where('run_id', '=', result.runId)
    .select(['listings.platform_key as listing', 'method_key', 'stance', 'source'])
    .orderBy('listings.platform_key')
    .orderBy('method_key')
    .execute();
  t.deepEqual(
    sources.filter((s) => s.listing === 'c3'),
    [
      { listing: 'c3', method_key: 'alipay', stance: 'refused', source: 'text' },
      { listing: 'c3', method_key: 'cn_bank_card', stance: 'accepted', source: 'icon' },
      { listing: 'c3', method_key: 'wechat_pay', stance: 'refused', source: 'text' },
    ],
  );
  // The domestic rails signal and the diff count accepted methods only: c8 (contacts only) takes no method.
  const summary = await sql<{ method_code: string; listings: number }>`
    select method_code, count(*)::int as listings from listing_payment_methods
     where run_id = ${result.runId} and stance = 'accepted' and method_code = 'wechat_pay' group by method_code`.execute(store.db);
  t.deepEqual(summary.rows, [{ method_code: 'wechat_pay', listings: 2 }], 'WeChat Pay only where it is a payment: c2 and c4');
});

test.serial(title('a refusal never makes a method appear in a diff, and taking it up does'), async (t) => {
  const { store, crawl } = await rig(t);
  let terms = '不收支付宝';
  const server = await serve(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<html><body><ul class="offers"><li class="offer" data-id="c1"><a class="name" href="/m/c1">卖家</a><span class="price">7.2</span><p class="terms">${terms}</p></li></ul></body></html>`);
  });
  await addSpec(store, validateSpec(BOARD_SPEC, 'cn-terms-board'), server.url);
  const first = await crawl('cn-terms-board');
  terms = '银行卡，不收支付宝';
  const second = await crawl('cn-terms-board');
  terms = '支付宝也可以';
  const third = await crawl('cn-terms-board');
  const added = async (from: number, to: number) => (await diffRuns(store.db, { sourceId: 'cn-terms-board', fromRunId: from, toRunId: to }))!.methods.operators.added.map((m) => m.method);
  t.deepEqual(await added(first.runId, second.runId), ['cn_bank_card'], 'the refused Alipay is not a method added');
  t.deepEqual(await added(second.runId, third.runId), ['alipay'], 'accepting it later is');
});

// ---------------------------------------------------------------------------------------------
// Items 2 and 3: a row with one bad field is kept; text hygiene before the store.

test.serial(title('rows with 面议 as price, a NUL in the name and invalid UTF-8 are each stored with their operator and their parse failure'), async (t) => {
  const { store, crawl } = await rig(t);
  const ads = [
    demoAd(1),
    demoAd(2, { price: '面议' }),
    demoAd(3, { sellerName: '金沙\u0000承兑', terms: 'fast\u0000' }),
    demoAd(4, { sellerName: 'BAD_UTF8' }),
  ];
  const json = JSON.stringify({ code: 0, msg: '', data: { total: ads.length, items: ads } });
  // Seller 4's name is "王" followed by two bytes that are no UTF-8 sequence, then "财".
  const bytes = Buffer.concat(json.split('"BAD_UTF8"').flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from('"王'), Buffer.from([0xe9, 0x87]), Buffer.from('财"'), Buffer.from(part)])));
  const server = await serve(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(bytes);
  });
  await codedSource(store, 'demo-api', server.url);
  const result = await crawl('demo-api');
  t.is(result.status, 'complete', result.error ?? '');
  t.deepEqual(await stored(store, result.runId), [
    { listing: 'ad1', operator: 'id:s1', name: 'Seller 1', price: '7.25', negotiable: false },
    { listing: 'ad2', operator: 'id:s2', name: 'Seller 2', price: null, negotiable: true },
    { listing: 'ad3', operator: 'id:s3', name: '金沙承兑', price: '7.25', negotiable: false },
    { listing: 'ad4', operator: 'id:s4', name: '王\uFFFD财', price: '7.25', negotiable: false },
  ]);
  const operators = await store.db.selectFrom('operators').where('platform', '=', 'demo').select('platform_key').orderBy('platform_key').execute();
  t.deepEqual(operators.map((o) => o.platform_key), ['id:s1', 'id:s2', 'id:s3', 'id:s4']);
  const failures = await linkedFailures(store, result.runId);
  t.deepEqual(
    failures.map((f) => [f.listing, f.field]),
    [['ad2', 'price'], ['ad3', 'operatorName'], ['ad3', 'terms'], ['ad4', 'operatorName']],
  );
  t.regex(failures[0]!.error, /"面议" is a negotiable price/);
  t.regex(failures[1]!.error, /removed 1 control character \(U\+0000\)/);
  t.regex(failures[3]!.error, /invalid byte sequence in "王\uFFFD财" \(kept as U\+FFFD\); raw bytes at byte \d+: e9 87$/);
  t.true(failures.every((f) => f.raw.includes('"adId":"ad')), 'each failure keeps its raw row');
});

test.serial(title('a 20-digit numeric price round-trips exactly into numeric'), async (t) => {
  const { store, crawl } = await rig(t);
  const server = await serve(t, (_req, res) =>
    sendJson(res, '{"code":0,"data":{"total":1,"items":[' + JSON.stringify(demoAd(1)).replace('"price":"7.25"', '"price":12345678901234567890.123456') + ']}}'),
  );
  await codedSource(store, 'demo-api', server.url);
  const result = await crawl('demo-api');
  t.is(result.status, 'complete', result.error ?? '');
  t.deepEqual((await stored(store, result.runId)).map((r) => r.price), ['12345678901234567890.123456']);
});

// ---------------------------------------------------------------------------------------------
// Items 4 and 6: no page taken for complete when it is not; transient pages retried.

test.serial(title('a close-delimited HTML page cut short is retried, then fails: the run is partial and nothing vanishes'), async (t) => {
  const { store, crawl } = await rig(t);
  const market = await startDemoMarketplace({ pageSize: 20 });
  t.teardown(() => market.close());
  let cut = false;
  // A proxy in front of the demo board that, when told, sends page 2 close-delimited and hangs up half-way.
  const proxy = await serve(t, async (req, res) => {
    const upstream = await fetch(`${market.url}${req.url}`);
    const body = Buffer.from(await upstream.arrayBuffer());
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/html' });
    if (cut && req.url?.includes('page=2')) return res.end(body.subarray(0, Math.floor(body.length / 2)));
    res.end(body);
  });
  await codedSource(store, 'demo-html', proxy.url);
  const whole = await crawl('demo-html');
  t.is(whole.status, 'complete', whole.error ?? '');
  cut = true;
  const result = await crawl('demo-html');
  t.is(result.status, 'partial');
  t.regex(result.error ?? '', /page=2: the page ends after \d+ bytes without <\/html> and <\/body>; it was cut short .*\(3 attempts\)/);
  t.is(proxy.requests.filter((r) => r.path.includes('page=2')).length, 1 + 3, 'once whole, then three attempts');
  t.true(result.listings < whole.listings);
  const diff = await diffRuns(store.db, { sourceId: 'demo-html', fromRunId: whole.runId, toRunId: result.runId });
  t.deepEqual([diff?.vanishedReported, diff?.operators.vanished.length, diff?.listings.vanished.length], [false, 0, 0], 'no false vanish');
});

test.serial(title('an empty list with total > 0 fails the page in the coded and the declarative JSON source alike'), async (t) => {
  const { store, crawl } = await rig(t);
  const server = await serve(t, (_req, res) => sendJson(res, '{"code":0,"msg":"","data":{"total":60,"items":[]}}'));
  await codedSource(store, 'demo-api', server.url);
  const coded = await crawl('demo-api');
  t.is(coded.status, 'failed');
  t.regex(coded.error ?? '', /page 1 has no rows although the platform counts 2 page\(s\)/);
  await addSpec(
    store,
    validateSpec(
      {
        name: 'empty-json', platform: 'empty-json', kind: 'json', baseUrl: 'http://127.0.0.1:1', request: { url: '/api?page={{page}}' },
        rows: 'data.items', noResults: { path: 'data.items' }, pagination: { kind: 'page', pageSize: 50, totalPath: 'data.total' },
        fields: { operatorName: 'sellerName', side: 'side', asset: 'asset', fiat: 'fiat', price: 'price' },
      },
      'empty-json',
    ),
    server.url,
  );
  const declared = await crawl('empty-json');
  t.is(declared.status, 'failed');
  t.regex(declared.error ?? '', /page 1 has 0 of 50 rows although the total 60 says more follow; cut short\?/);
});

test.serial(title('a captcha page that clears on retry is read: the run completes with its listings'), async (t) => {
  const { store, crawl } = await rig(t);
  const market = await startDemoMarketplace({ pageSize: 20 });
  t.teardown(() => market.close());
  await codedSource(store, 'demo-html', market.url);
  market.faults.inject({ path: '/market', query: { page: '2' }, kind: 'captcha', times: 1 });
  const result = await crawl('demo-html');
  t.is(result.status, 'complete', result.error ?? '');
  t.is(result.listings, market.state().ads.length);
  t.is(market.requestLog.matching('/market?page=2').length, 2, 'the captcha, then the page');
});

test.serial(title('a "system busy" envelope is retried: coded adapters by their platform codes, declarative sources by retryOn'), async (t) => {
  const { store, crawl } = await rig(t);
  let busy = 0;
  const server = await serve(t, (_req, res) => {
    if (busy > 0) {
      busy -= 1;
      return sendJson(res, '{"code":5003,"msg":"系统繁忙","data":null}');
    }
    sendJson(res, JSON.stringify({ code: 0, msg: '', data: { total: 2, items: [demoAd(1), demoAd(2)] } }));
  });
  await codedSource(store, 'demo-api', server.url);
  busy = 1;
  const coded = await crawl('demo-api');
  t.is(coded.status, 'complete', coded.error ?? '');
  t.is(coded.listings, 2);

  const spec = {
    name: 'busy-json', platform: 'busy-json', kind: 'json', baseUrl: 'http://127.0.0.1:1', request: { url: '/api' },
    rows: 'data.items', errorEnvelope: { path: 'code', equals: 0, messagePath: 'msg' }, retryOn: { path: 'code', in: [5003], messagePath: 'msg' },
    fields: { listingId: 'adId', operatorName: 'sellerName', side: 'side', asset: 'asset', fiat: 'fiat', price: 'price' },
  };
  await addSpec(store, validateSpec(spec, 'busy-json'), server.url);
  busy = 2;
  const declared = await crawl('busy-json');
  t.is(declared.status, 'complete', declared.error ?? '');
  busy = 5;
  const persisting = await crawl('busy-json');
  t.is(persisting.status, 'failed');
  t.regex(persisting.error ?? '', /transient envelope code=5003: 系统繁忙 \(3 attempts\)/);
});

// ---------------------------------------------------------------------------------------------
// Item 5: pagination past a failed page.

test.serial(title('page 3 of 4 failing: page 4 is still requested and stored, the run is partial (coded board and declarative pages)'), async (t) => {
  const { store, crawl } = await rig(t);
  const market = await startDemoMarketplace({ pageSize: 15 });
  t.teardown(() => market.close());
  const ads = market.state().ads;
  t.true(ads.length > 45 && ads.length <= 60, `${ads.length} ads make 4 pages of 15`);
  market.faults.inject({ path: '/market', query: { page: '3' }, kind: '500' });
  await codedSource(store, 'demo-html', market.url);
  const coded = await crawl('demo-html');
  t.is(coded.status, 'partial');
  const asked = market.requestLog.matching('/market?').map((e) => e.path);
  t.true(asked.includes('/market?page=4'), `pages asked: ${asked.join(', ')}`);
  t.is(coded.listings, ads.length - 15, 'every page but the third');
  const onPage4 = ads.slice(45).map((ad) => ad.adId);
  const { rows } = await sql<{ key: string }>`select l.platform_key as key from listing_observations o join listings l on l.id = o.listing_id where o.run_id = ${coded.runId}`.execute(store.db);
  t.true(onPage4.every((id) => rows.some((r) => r.key === id)), 'page 4 is stored');

  // The same board as a declarative source paged by number.
  await addSpec(
    store,
    validateSpec(
      {
        name: 'numbered-board', platform: 'demo', kind: 'html', baseUrl: 'http://127.0.0.1:1', request: { url: '/market?page={{page}}' },
        rows: 'table.ads tr.ad', noResults: { selector: '.no-results' }, pagination: { kind: 'page', pageSize: 15 },
        fields: { listingId: { selector: ':self', attr: 'data-ad-id' }, operatorName: 'td.seller a', side: 'td.side', asset: 'td.asset', fiat: 'td.fiat', price: 'td.price' },
      },
      'numbered-board',
    ),
    market.url,
  );
  const declared = await crawl('numbered-board');
  t.is(declared.status, 'partial');
  t.is(declared.listings, ads.length - 15);
});
