import test from 'ava';
import type { ExecutionContext } from 'ava';
import * as cheerio from 'cheerio';
import { Agent, request } from 'node:http';
import vm from 'node:vm';
import { demoState } from '../scripts/demo/marketplace-state.ts';
import type { DemoAd, DemoState } from '../scripts/demo/marketplace-state.ts';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { findBrowser } from '../crawler/fetch/find-browser.ts';
import { browserTest } from './helpers/browser-rig.ts';
import type { DemoMarketplace, DemoMarketplaceOptions } from '../scripts/demo/marketplace-server.ts';

// Each test gets its own server: faults and the request log are per server.
async function market(t: ExecutionContext, options: DemoMarketplaceOptions = {}): Promise<DemoMarketplace> {
  const m = await startDemoMarketplace(options);
  t.teardown(() => m.close());
  return m;
}

interface ApiBody {
  code: number;
  msg: string;
  data: { tick: number; total: number; page: number; rows: number; items: DemoAd[] } | null;
}

async function api(m: DemoMarketplace, query: string): Promise<ApiBody> {
  return (await (await fetch(`${m.url}/api/v1/ads?${query}`)).json()) as ApiBody;
}

/** A decimal string as an integer scaled by 10^places: exact comparison without floats. */
function scaled(decimal: string, places = 8): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!m) throw new Error(`not a decimal: ${decimal}`);
  const frac = (m[2] ?? '').padEnd(places, '0');
  if (frac.length > places) throw new Error(`too many decimals: ${decimal}`);
  return BigInt((m[1] ?? '') + frac);
}

const SYMBOLS: Record<string, string> = { CNY: '¥', USD: 'US$', HKD: 'HK$' };
const ICON_ALT: Record<string, string> = {
  ALIPAY: '支付宝', WECHAT: '微信', BANK: '银行卡', UNIONPAY: '云闪付', WISE: 'Wise', PAYPAL: 'PayPal', FPS: 'FPS',
};

/** Reads a `/market` (or rendered `/app`) page back into API-shaped ads. */
function parseRows(html: string): { ads: DemoAd[]; next: string | undefined; noResults: boolean } {
  const $ = cheerio.load(html);
  const ads = $('table.ads tr.ad').toArray().map((tr) => {
    const row = $(tr);
    const cell = (name: string): string => row.find(`td.${name}`).text();
    const fiat = cell('fiat');
    const unmoney = (text: string): string => {
      const symbol = SYMBOLS[fiat] ?? '';
      return (text.startsWith(symbol) ? text.slice(symbol.length) : text).replace(/,/g, '');
    };
    const limits = /^限额 (.+)-(.+)$/.exec(cell('limits'));
    const rate = /^(\d+(?:\.\d+)?)%$/.exec(cell('rate'));
    const asset = cell('asset');
    const methodByAlt = Object.fromEntries(Object.entries(ICON_ALT).map(([k, v]) => [v, k]));
    // Percent back to a fraction, exactly: 98.7 → 0.987.
    const pct = scaled(rate?.[1] ?? 'x', 8);
    const fraction = `${pct / 10n ** 10n}.${String(pct % 10n ** 10n).padStart(10, '0')}`;
    return {
      adId: row.attr('data-ad-id') ?? '',
      sellerId: (row.find('td.seller a.seller-link').attr('href') ?? '').replace(/^\/u\//, ''),
      sellerName: row.find('td.seller a.seller-link').text(),
      side: cell('side') === '出售' ? 'sell' : cell('side') === '购买' ? 'buy' : cell('side'),
      asset,
      fiat,
      price: unmoney(cell('price')),
      available: cell('available').replace(new RegExp(` ${asset}$`), '').replace(/,/g, ''),
      minOrder: unmoney(limits?.[1] ?? ''),
      maxOrder: unmoney(limits?.[2] ?? ''),
      payMethods: row.find('td.pay img.pay-icon').toArray().map((img) => methodByAlt[$(img).attr('alt') ?? ''] ?? '?'),
      terms: cell('terms'),
      completionRate: fraction,
      orders: Number(cell('orders')),
    } as DemoAd;
  });
  return { ads, next: $('a[rel="next"].next').attr('href'), noResults: $('p.no-results').length === 1 };
}

/** Compares parsed rows with API ads, rate compared as an exact decimal. */
function sameAds(t: ExecutionContext, parsed: DemoAd[], expected: DemoAd[]): void {
  t.is(parsed.length, expected.length);
  parsed.forEach((ad, i) => {
    const want = expected[i] as DemoAd;
    t.deepEqual({ ...ad, completionRate: '' }, { ...want, completionRate: '' }, `row ${i} (${want.adId})`);
    t.is(scaled(ad.completionRate, 10), scaled(want.completionRate, 10), `rate of ${want.adId}`);
  });
}

// ---------- state ----------

test('state is deterministic per seed and tick, and differs across seeds', (t) => {
  t.deepEqual(demoState(42, 3), demoState(42, 3));
  t.deepEqual(demoState(7, 0), demoState(7, 0));
  t.notDeepEqual(demoState(42, 0), demoState(43, 0));
  // Asking for a later tick first must not change what an earlier tick is.
  const early = structuredClone(demoState(5, 2));
  demoState(5, 40);
  t.deepEqual(demoState(5, 2), early);
  // Callers get copies: mutating one does not leak into the next call.
  const copy = demoState(42, 0);
  (copy.ads[0] as DemoAd).price = '0.00';
  copy.ads.pop();
  t.notDeepEqual(demoState(42, 0), copy);
  t.throws(() => demoState(42, -1), { instanceOf: RangeError });
  t.throws(() => demoState(42, 1.5), { instanceOf: RangeError });
});

test('tick 0 looks like a domestic-facing marketplace', (t) => {
  const { ads, tick } = demoState(42, 0);
  t.is(tick, 0);
  const sellers = new Set(ads.map((a) => a.sellerId));
  t.is(sellers.size, 40);
  t.true(ads.length >= 45 && ads.length <= 75, `ads: ${ads.length}`);
  t.deepEqual(ads.map((a) => a.adId), [...ads.map((a) => a.adId)].sort());
  t.true(ads.filter((a) => a.fiat === 'CNY').length > ads.length * 0.6);
  t.true(ads.some((a) => a.fiat !== 'CNY'));
  t.true(ads.some((a) => /\p{Script=Han}/u.test(a.sellerName)));
  t.true(ads.some((a) => /^[\x20-\x7e]+$/.test(a.sellerName)));
  t.true(ads.some((a) => /加微信 [a-z]+\d+|QQ \d{8,}|1[3-9]\d{9}/.test(a.terms)));
  t.true(ads.some((a) => /^[\x20-\x7e]+$/.test(a.terms)));
});

test('every ad is well formed at every tick', (t) => {
  for (let tick = 0; tick <= 30; tick++) {
    for (const ad of demoState(11, tick).ads) {
      t.regex(ad.adId, /^ad\d{6}$/);
      t.regex(ad.sellerId, /^s\d{4}$/);
      t.regex(ad.price, ad.fiat === 'USD' && ad.asset === 'USDT' ? /^\d+\.\d{3}$/ : /^\d+\.\d{2}$/);
      for (const amount of [ad.available, ad.minOrder, ad.maxOrder]) t.regex(amount, /^\d+\.\d{2}$/);
      t.true(scaled(ad.minOrder) < scaled(ad.maxOrder), `${ad.adId} min < max at ${tick}`);
      t.regex(ad.completionRate, /^(0\.\d{3}|1\.000)$/);
      t.true(Number.isInteger(ad.orders) && ad.orders >= 0);
      t.true(ad.payMethods.length > 0);
      t.is(new Set(ad.payMethods).size, ad.payMethods.length);
      if (ad.asset === 'USDT' && ad.fiat === 'CNY') t.true(ad.price >= '7.10' && ad.price <= '7.40', ad.price);
    }
  }
});

test('one tick: sellers vanish and appear, prices move a little, a seller gains a payment method', (t) => {
  const before = demoState(42, 0);
  const after = demoState(42, 1);
  t.is(after.tick, 1);
  const sellersOf = (s: DemoState): Set<string> => new Set(s.ads.map((a) => a.sellerId));
  const was = sellersOf(before);
  const now = sellersOf(after);
  const vanished = [...was].filter((id) => !now.has(id));
  const appeared = [...now].filter((id) => !was.has(id));
  t.true(vanished.length >= 1 && vanished.length <= 4, `vanished ${vanished.length}`);
  t.true(appeared.length >= 2 && appeared.length <= 4, `appeared ${appeared.length}`);
  const maxOld = [...was].sort().at(-1) as string;
  t.true(appeared.every((id) => id > maxOld), 'new sellers get new ids');

  const beforeById = new Map(before.ads.map((a) => [a.adId, a]));
  let moved = 0;
  for (const ad of after.ads) {
    const old = beforeById.get(ad.adId);
    if (!old) continue;
    t.is(ad.sellerId, old.sellerId);
    t.is(ad.sellerName, old.sellerName);
    const delta = scaled(ad.price) - scaled(old.price);
    if (delta !== 0n) moved++;
    // |delta| ≤ 0.5% of the old price
    t.true((delta < 0n ? -delta : delta) * 1000n <= scaled(old.price) * 5n, `${ad.adId} ${old.price} → ${ad.price}`);
  }
  t.true(moved > before.ads.length / 2, `moved ${moved}`);
  t.true(before.ads.filter((a) => !now.has(a.sellerId)).every((a) => !after.ads.some((b) => b.adId === a.adId)));

  const methods = (s: DemoState): Map<string, Set<string>> =>
    new Map(s.ads.map((a) => [a.sellerId, new Set(a.payMethods)]));
  const m0 = methods(before);
  const gained = [...methods(after)].filter(([id, set]) => {
    const old = m0.get(id);
    return old !== undefined && [...set].some((m) => !old.has(m));
  });
  t.true(gained.length >= 1, 'at least one surviving seller gained a payment method');
});

test('ids are never reused over many ticks', (t) => {
  const seenSellers = new Set<string>();
  let previous = new Set<string>();
  for (let tick = 0; tick <= 40; tick++) {
    const ids = new Set(demoState(9, tick).ads.map((a) => a.sellerId));
    for (const id of ids) {
      if (!previous.has(id)) t.false(seenSellers.has(id), `${id} came back at tick ${tick}`);
      seenSellers.add(id);
    }
    previous = ids;
  }
});

// ---------- API ----------

test('API pages cover every ad exactly once, in adId order', async (t) => {
  const m = await market(t, { seed: 3 });
  const state = m.state();
  const seen: DemoAd[] = [];
  for (let page = 1; ; page++) {
    const body = await api(m, `page=${page}&rows=7`);
    t.is(body.code, 0);
    t.is(body.msg, 'ok');
    const data = body.data;
    if (!data) return t.fail('no data');
    t.is(data.total, state.ads.length);
    t.is(data.page, page);
    t.is(data.rows, 7);
    t.is(data.tick, 0);
    if (data.items.length === 0) break;
    seen.push(...data.items);
  }
  t.deepEqual(seen, state.ads);
  const first = await api(m, '');
  t.is(first.data?.rows, 20);
  t.is(first.data?.items.length, 20);
  t.is((await api(m, 'rows=50')).data?.items.length, Math.min(50, state.ads.length));
});

test('API rejects bad paging with an error envelope on HTTP 200', async (t) => {
  const m = await market(t);
  for (const query of ['page=0', 'page=x', 'page=-1', 'rows=51', 'rows=0', 'page=1.5']) {
    const res = await fetch(`${m.url}/api/v1/ads?${query}`);
    t.is(res.status, 200);
    const body = (await res.json()) as ApiBody;
    t.is(body.code, 40001, query);
    t.is(body.data, null);
    t.truthy(body.msg);
  }
});

test('advancing the server changes what every endpoint serves', async (t) => {
  const m = await market(t, { seed: 42 });
  t.is(m.tick, 0);
  m.advance();
  t.is(m.tick, 1);
  t.deepEqual(m.state(), demoState(42, 1));
  t.is((await api(m, 'page=1')).data?.tick, 1);
  const res = await fetch(`${m.url}/_demo/advance`, { method: 'POST' });
  t.deepEqual(await res.json(), { tick: 2 });
  t.is(m.tick, 2);
  t.deepEqual(await (await fetch(`${m.url}/_demo/state`)).json(), demoState(42, 2));
  m.setTick(10);
  m.advance(2);
  t.is(m.tick, 12);
  t.throws(() => m.setTick(-1));
  const html = await (await fetch(`${m.url}/market`)).text();
  t.true(html.includes('data-tick="12"'));
  t.is(m.requestLog.matching('/_demo/').length, 2);
  t.true(m.requestLog.matching('/_demo/').every((e) => e.control === true));
  t.true(m.requestLog.matching('/api/').every((e) => e.control === undefined));
});

// ---------- HTML ----------

test('HTML pages show the same ads as the API, in the same order, with exact values', async (t) => {
  const m = await market(t, { seed: 42, pageSize: 20 });
  const state = m.state();
  const seen: DemoAd[] = [];
  let path: string | undefined = '/market';
  let pages = 0;
  while (path) {
    const res = await fetch(m.url + path);
    t.is(res.status, 200);
    t.regex(res.headers.get('content-type') ?? '', /text\/html/);
    const html = await res.text();
    t.true(html.includes('<html lang="zh-CN">'));
    const { ads, next } = parseRows(html);
    pages++;
    const api20 = await api(m, `page=${pages}&rows=20`);
    sameAds(t, ads, api20.data?.items ?? []);
    seen.push(...ads);
    path = next;
    if (path) t.is(path, `/market?page=${pages + 1}`);
  }
  t.is(pages, Math.ceil(state.ads.length / 20));
  sameAds(t, seen, state.ads);
});

test('HTML row markup uses the documented classes and formats', async (t) => {
  const m = await market(t, { seed: 42 });
  const html = await (await fetch(`${m.url}/market?page=1`)).text();
  const $ = cheerio.load(html);
  const ad = m.state().ads[0] as DemoAd;
  const row = $(`table.ads tr.ad[data-ad-id="${ad.adId}"]`);
  t.is(row.length, 1);
  t.is(row.find(`td.seller > a.seller-link[href="/u/${ad.sellerId}"]`).text(), ad.sellerName);
  for (const cls of ['side', 'asset', 'price', 'fiat', 'available', 'limits', 'pay', 'terms', 'rate', 'orders']) {
    t.is(row.find(`td.${cls}`).length, 1, cls);
  }
  const icon = $('img.pay-icon.pay-alipay').first();
  t.is(icon.attr('src'), '/icons/alipay.png');
  t.is(icon.attr('alt'), '支付宝');
  t.is(icon.attr('title'), '支付宝');
  // A CNY USDT price renders as ¥7.xx, a BTC one with a thousands separator.
  const all = m.state().ads;
  const cny = all.find((a) => a.fiat === 'CNY' && a.asset === 'BTC') as DemoAd;
  const page = Math.floor(all.indexOf(cny) / 20) + 1;
  const $$ = cheerio.load(await (await fetch(`${m.url}/market?page=${page}`)).text());
  t.regex($$(`tr.ad[data-ad-id="${cny.adId}"] td.price`).text(), /^¥\d{3},\d{3}\.\d{2}$/);
  t.regex($$(`tr.ad[data-ad-id="${cny.adId}"] td.limits`).text(), /^限额 ¥[\d,]+\.\d{2}-¥[\d,]+\.\d{2}$/);
});

test('a page past the end is an empty table with a no-results marker and no next link', async (t) => {
  const m = await market(t);
  const { ads, next, noResults } = parseRows(await (await fetch(`${m.url}/market?page=99`)).text());
  t.is(ads.length, 0);
  t.true(noResults);
  t.is(next, undefined);
  const bad = await fetch(`${m.url}/market?page=zero`);
  t.is(bad.status, 400);
  // rows is an API parameter; the HTML page size is fixed.
  t.is(parseRows(await (await fetch(`${m.url}/market?page=1&rows=5`)).text()).ads.length, 20);
});

test('seller profile pages exist for current sellers only', async (t) => {
  const m = await market(t, { seed: 42 });
  const ad = m.state().ads[0] as DemoAd;
  const res = await fetch(`${m.url}/u/${ad.sellerId}`);
  t.is(res.status, 200);
  const $ = cheerio.load(await res.text());
  t.is($('.profile h1.seller-name').text(), ad.sellerName);
  t.true($('tr.ad').length >= 1);
  t.is((await fetch(`${m.url}/u/s9999`)).status, 404);
});

test('static assets: icons are PNGs, the font is woff2, the stylesheet uses the font', async (t) => {
  const m = await market(t);
  const icon = await fetch(`${m.url}/icons/wechat.png`);
  t.is(icon.headers.get('content-type'), 'image/png');
  t.deepEqual([...new Uint8Array(await icon.arrayBuffer()).slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const font = await fetch(`${m.url}/fonts/demo.woff2`);
  t.is(font.headers.get('content-type'), 'font/woff2');
  t.true((await font.arrayBuffer()).byteLength > 0);
  const css = await (await fetch(`${m.url}/static/demo.css`)).text();
  t.regex(css, /@font-face[^}]*url\(\/fonts\/demo\.woff2\)/);
  const app = await (await fetch(`${m.url}/app`)).text();
  t.true(app.includes('href="/static/demo.css"'));
  t.is((await fetch(`${m.url}/nope`)).status, 404);
});

// ---------- /app ----------

test('/app without a browser has no rows', async (t) => {
  const m = await market(t);
  const res = await fetch(`${m.url}/app?page=1`);
  t.is(res.status, 200);
  const html = await res.text();
  const $ = cheerio.load(html);
  t.is($('#app').text(), '加载中…');
  t.is($('tr.ad').length, 0);
  t.is($('table.ads').length, 0);
  for (const ad of m.state().ads.slice(0, 20)) t.false(html.includes(ad.adId));
  t.true(html.includes('/api/v1/ads?page='));
});

test('/app script renders exactly the /market markup (run in a stub DOM)', async (t) => {
  const m = await market(t, { seed: 42, pageSize: 20, renderDelayMs: 10 });
  for (const page of [1, 3, 99]) {
    const shell = await (await fetch(`${m.url}/app?page=${page}`)).text();
    const script = /<script>([\s\S]*?)<\/script>/.exec(shell)?.[1];
    if (!script) return t.fail('no inline script');
    const app = { innerHTML: '加载中…', replaceChildren: () => t.fail('render failed') };
    const body = { dataset: {} as Record<string, string>, children: [] as { id?: string }[], appendChild(n: { id?: string }) { this.children.push(n); } };
    const document = { getElementById: (id: string) => (id === 'app' ? app : null), body, createElement: () => ({}) };
    const context = vm.createContext({
      document,
      setTimeout,
      fetch: (path: string, init: RequestInit) => fetch(m.url + path, init),
    });
    vm.runInContext(script, context);
    for (let waited = 0; body.dataset.ready === undefined && waited < 3000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    t.is(body.dataset.ready, '1');
    t.true(body.children.some((c) => c.id === 'ads-ready'));
    const marketHtml = await (await fetch(`${m.url}/market?page=${page}`)).text();
    const serverMarkup = /<div id="app">([\s\S]*?)<\/div>\n<\/body>/.exec(marketHtml)?.[1] ?? '<missing>';
    t.is(app.innerHTML, serverMarkup.replaceAll('/market?page=', '/app?page='), `page ${page}`);
    if (page === 1) t.true(app.innerHTML.includes('<a rel="next" class="next" href="/app?page=2">下一页</a>'));
    if (page === 99) t.true(app.innerHTML.includes('<p class="no-results">暂无广告</p>'));
  }
  t.true(m.requestLog.matching('/api/v1/ads?page=3&rows=20').length === 1);
});

browserTest('/app renders in a real browser and loads its icons and font', async (t) => {
  const { chromium: launcher } = await import('playwright-core');
  const chromium = findBrowser().path;
  const m = await market(t, { seed: 42 });
  const browser = await launcher.launch({ executablePath: chromium, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ userAgent: 'otcwatch-browser-test' });
  await page.goto(`${m.url}/app?page=2`);
  await page.waitForSelector('#ads-ready');
  t.is(await page.evaluate(() => document.body.dataset['ready']), '1');
  const rendered = parseRows(await page.content());
  sameAds(t, rendered.ads, m.state().ads.slice(20, 40));
  t.is(rendered.next, '/app?page=3');
  const log = m.requestLog.entries.filter((e) => e.userAgent === 'otcwatch-browser-test');
  t.true(log.some((e) => e.pathname.startsWith('/icons/')));
  t.true(log.some((e) => e.pathname === '/fonts/demo.woff2'));
  t.true(log.some((e) => e.path === '/api/v1/ads?page=2&rows=20'));
});

// ---------- faults ----------

test('fault 429 sets Retry-After and honours times', async (t) => {
  const m = await market(t);
  m.faults.inject({ path: '/api/v1/ads', kind: '429', retryAfterSeconds: 3, times: 2 });
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${m.url}/api/v1/ads?page=1`);
    t.is(res.status, 429);
    t.is(res.headers.get('retry-after'), '3');
    await res.arrayBuffer();
  }
  t.is((await fetch(`${m.url}/api/v1/ads?page=1`)).status, 200);
  t.deepEqual(m.requestLog.matching('/api/').map((e) => [e.status, e.fault]), [[429, '429'], [429, '429'], [200, undefined]]);
});

test('faults 418, 500 and 503 answer with that status; unlimited until cleared', async (t) => {
  const m = await market(t);
  m.faults.inject({ path: '/market', kind: '418' });
  m.faults.inject({ path: '/api/v1/ads', kind: '500' });
  m.faults.inject({ path: '/app', kind: '503', retryAfterSeconds: 1 });
  for (let i = 0; i < 3; i++) {
    t.is((await fetch(`${m.url}/market?page=1`)).status, 418);
    t.is((await fetch(`${m.url}/api/v1/ads`)).status, 500);
  }
  const res = await fetch(`${m.url}/app`);
  t.is(res.status, 503);
  t.is(res.headers.get('retry-after'), '1');
  m.faults.clear();
  t.is((await fetch(`${m.url}/market?page=1`)).status, 200);
  t.is((await fetch(`${m.url}/api/v1/ads`)).status, 200);
});

test('faults match on query and method only when given', async (t) => {
  const m = await market(t);
  m.faults.inject({ path: '/api/v1/ads', query: { page: '2' }, kind: '500', times: 1 });
  m.faults.inject({ path: '/market', method: 'post', kind: '500' });
  t.is((await fetch(`${m.url}/api/v1/ads?page=1`)).status, 200);
  t.is((await fetch(`${m.url}/api/v1/ads?rows=5&page=2`)).status, 500);
  t.is((await fetch(`${m.url}/api/v1/ads?page=2`)).status, 200);
  t.is((await fetch(`${m.url}/market`)).status, 200);
  t.is((await fetch(`${m.url}/market`, { method: 'POST' })).status, 500);
  t.throws(() => m.faults.inject({ path: '/x', kind: 'nope' as '500' }), { instanceOf: TypeError });
});

test('fault slow delays the normal response', async (t) => {
  const m = await market(t);
  m.faults.inject({ path: '/api/v1/ads', kind: 'slow', delayMs: 300, times: 1 });
  const start = performance.now();
  const res = await fetch(`${m.url}/api/v1/ads?page=1`);
  t.true(performance.now() - start >= 290);
  t.is(((await res.json()) as ApiBody).code, 0);
  t.is(m.requestLog.entries[0]?.fault, 'slow');
});

test('fault truncated promises more bytes than it sends, then hangs up', async (t) => {
  const m = await market(t);
  const full = Buffer.from(await (await fetch(`${m.url}/market?page=1`)).arrayBuffer());
  m.faults.inject({ path: '/market', kind: 'truncated', times: 1 });
  // Raw HTTP, to count bytes against Content-Length.
  const { length, received, aborted } = await new Promise<{ length: number; received: number; aborted: boolean }>((resolve, reject) => {
    const req = request(`${m.url}/market?page=1`, (res) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => { received += chunk.length; });
      const finish = (aborted: boolean) => resolve({ length: Number(res.headers['content-length']), received, aborted });
      res.on('end', () => finish(false));
      res.on('error', () => finish(true));
      res.on('aborted', () => finish(true));
    });
    req.on('error', reject);
    req.end();
  });
  t.true(aborted);
  t.is(length, full.length);
  t.true(received < length);
  m.faults.inject({ path: '/api/v1/ads', kind: 'truncated', times: 1 });
  const res = await fetch(`${m.url}/api/v1/ads`);
  await t.throwsAsync(res.text());
});

test('fault captcha serves an interstitial instead of the ads', async (t) => {
  const m = await market(t);
  m.faults.inject({ path: '/market', kind: 'captcha' });
  const res = await fetch(`${m.url}/market?page=1`);
  t.is(res.status, 200);
  const $ = cheerio.load(await res.text());
  t.is($('title').text(), 'Verify you are human');
  t.is($('div.captcha').length, 1);
  t.is($('table.ads').length, 0);
});

test('fault error-envelope and not-json break the API on HTTP 200', async (t) => {
  const m = await market(t);
  m.faults.inject({ path: '/api/v1/ads', kind: 'error-envelope', times: 1 });
  m.faults.inject({ path: '/api/v1/ads', kind: 'not-json', times: 1 });
  const envelope = await fetch(`${m.url}/api/v1/ads`);
  t.is(envelope.status, 200);
  t.deepEqual(await envelope.json(), { code: 42900, msg: 'too many requests', data: null });
  const notJson = await fetch(`${m.url}/api/v1/ads`);
  t.is(notJson.status, 200);
  t.is(await notJson.text(), '<html>502 Bad Gateway</html>');
  t.is((await api(m, 'page=1')).code, 0);
});

test('fault malformed-row replaces the first price with N/A in API and HTML', async (t) => {
  const m = await market(t, { seed: 42 });
  const state = m.state();
  m.faults.inject({ path: '/api/v1/ads', kind: 'malformed-row', times: 1 });
  m.faults.inject({ path: '/market', kind: 'malformed-row', times: 1 });
  const body = await api(m, 'page=1');
  t.is(body.data?.items[0]?.price, 'N/A');
  t.deepEqual(body.data?.items.slice(1), state.ads.slice(1, 20));
  const $ = cheerio.load(await (await fetch(`${m.url}/market?page=1`)).text());
  t.is($('tr.ad').first().find('td.price').text(), 'N/A');
  t.is($('tr.ad').eq(1).find('td.price').text().replace(/^\D+/, '').replace(/,/g, ''), state.ads[1]?.price ?? '<missing>');
  t.is((await api(m, 'page=1')).data?.items[0]?.price, state.ads[0]?.price);
});

test('fault reset drops the connection without a response', async (t) => {
  const m = await market(t);
  m.faults.inject({ path: '/api/v1/ads', kind: 'reset', times: 1 });
  await t.throwsAsync(fetch(`${m.url}/api/v1/ads`));
  t.is(m.requestLog.entries[0]?.status, 0);
  t.is(m.requestLog.entries[0]?.fault, 'reset');
  t.is((await api(m, 'page=1')).code, 0);
});

// ---------- robots, log, lifecycle ----------

test('robots.txt allows all until a path is disallowed', async (t) => {
  const m = await market(t);
  const robots = async () => (await fetch(`${m.url}/robots.txt`)).text();
  t.is(await robots(), 'User-agent: *\nAllow: /\n');
  m.robots.disallow('/market');
  m.robots.disallow('/app');
  t.is(await robots(), 'User-agent: *\nDisallow: /market\nDisallow: /app\nAllow: /\n');
  m.robots.allowAll();
  t.is(await robots(), 'User-agent: *\nAllow: /\n');
});

test('the request log records method, path, user agent, status and time', async (t) => {
  const m = await market(t);
  const wall = Date.now();
  await fetch(`${m.url}/api/v1/ads?page=2&rows=5`, { headers: { 'user-agent': 'otcwatch-test/1.0' } });
  await fetch(`${m.url}/missing`, { headers: { 'user-agent': 'other' } });
  await fetch(`${m.url}/_demo/state`);
  const [first, second, third] = m.requestLog.entries;
  t.like(first, { method: 'GET', path: '/api/v1/ads?page=2&rows=5', pathname: '/api/v1/ads', userAgent: 'otcwatch-test/1.0', status: 200 });
  t.like(second, { path: '/missing', userAgent: 'other', status: 404 });
  t.like(third, { path: '/_demo/state', control: true, status: 200 });
  t.true((first?.at ?? 0) >= wall - 5);
  t.true((second?.hrAt ?? 0) > (first?.hrAt ?? Infinity));
  t.true(first?.doneHrAt !== undefined && first.doneHrAt >= first.hrAt);
  t.is(m.requestLog.matching('/api/v1/ads?page=2').length, 1);
  t.is(m.requestLog.matching('/market').length, 0);
  m.requestLog.clear();
  t.is(m.requestLog.entries.length, 0);
});

test('close ends keep-alive sockets and pending slow responses promptly', async (t) => {
  const m = await startDemoMarketplace();
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  await new Promise<void>((resolve, reject) => {
    request(`${m.url}/market`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject).end();
  });
  m.faults.inject({ path: '/api/v1/ads', kind: 'slow', delayMs: 60_000 });
  const pending = fetch(`${m.url}/api/v1/ads`).catch(() => 'closed');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const start = performance.now();
  await m.close();
  t.true(performance.now() - start < 1000);
  t.is(await pending, 'closed');
  await m.close(); // idempotent
});
