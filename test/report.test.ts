import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { launchBrowser } from '../crawler/fetch/browser-launch.ts';
import { findBrowser } from '../crawler/fetch/find-browser.ts';
import { getAdapter } from '../crawler/sources/index.ts';
import { upsertSource } from '../store/sources.ts';
import { ALERT_KINDS } from '../store/alerts.ts';
import { afterRun } from '../scripts/jobs/after-run.ts';
import { adapterSourceRegistration } from '../scripts/jobs/builtin-sources.ts';
import { writeReport } from '../scripts/report/write-report.ts';
import { HOSTILE, hostileAds, startAdsServer } from './helpers/ads-server.ts';
import { browserTest } from './helpers/browser-rig.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { storeEngine } from './helpers/test-store.ts';

const OUTPUT = path.resolve(import.meta.dirname, '../.test-output');

browserTest(`the report renders in headless Chromium: no errors, no network, each chart holds exactly the store's points, hostile names stay text (${storeEngine})`, async (t) => {
  t.timeout(150_000);
  const rig = await demoCrawlRig(t);
  const market = await startAdsServer(t, hostileAds);
  await upsertSource(rig.store.db, adapterSourceRegistration(getAdapter('demo-api'), { baseUrl: market.url, politeness: { minGapMs: 0, concurrency: 4 } }));
  await rig.source('demo-html');
  for (let tick = 0; tick < 3; tick += 1) {
    if (tick > 0) {
      market.advance();
      rig.market.advance();
    }
    for (const source of ['demo-api', 'demo-html']) await afterRun(rig.store, await rig.crawl(source));
  }
  await mkdir(OUTPUT, { recursive: true });
  const out = path.join(rig.dataDir, 'report.html');
  const written = await writeReport(rig.store, { filter: {}, out });
  const page = await readFile(out, 'utf8');
  t.false(/<(?:script|link|img|iframe)[^>]+(?:src|href)=["']?https?:/i.test(page), 'nothing in the file points at the network');
  t.true(page.includes('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;'), 'the <img> seller name is in the file as escaped text');

  const { browser } = await launchBrowser(findBrowser().path);
  t.teardown(() => browser.close());
  const tab = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems: string[] = [];
  const requests: string[] = [];
  tab.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  tab.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  tab.on('request', (r) => requests.push(r.url()));
  await tab.goto(pathToFileURL(out).toString());
  await tab.waitForFunction(() => (window as unknown as { otcwatchCharts?: unknown[] }).otcwatchCharts !== undefined);
  await tab.screenshot({ path: path.join(OUTPUT, `report-${storeEngine}.png`), fullPage: false });
  t.log(`screenshot: ${path.join(OUTPUT, `report-${storeEngine}.png`)}; report ${written.bytes} bytes, ${written.charts} charts`);

  t.deepEqual(problems, [], 'no console errors or warnings');
  t.deepEqual(requests, [pathToFileURL(out).toString()], 'no request but the file itself');
  const canary = await tab.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
    imgs: document.querySelectorAll('img').length,
    injectedScripts: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__pwned')).length,
    text: document.body.innerText,
  }));
  t.is(canary.pwned, null, 'neither the onerror handler nor the <script> seller name ran');
  t.is(canary.imgs, 0, 'the <img> seller name is not an element');
  t.is(canary.injectedScripts, 0, 'the <script> seller name is not an element');
  t.true(canary.text.includes(HOSTILE.imgName) && canary.text.includes(HOSTILE.scriptName), 'both names are shown, as text');
  t.false(canary.text.includes('\u001b'), 'no ESC byte in the page text');
  for (const handle of HOSTILE.handles) t.false(page.includes(handle), `the handle ${handle} is masked in the file`);

  type Shown = { id: string; title: string; data: number[][] };
  const charts = await tab.evaluate(() =>
    (window as unknown as { otcwatchCharts: { id: string; title: string; plot: { data: number[][] } }[] }).otcwatchCharts.map((c) => ({ id: c.id, title: c.title, data: c.plot.data })),
  ) as Shown[];
  t.is(charts.length, written.charts, 'every chart was drawn');

  // The oracle: raw rows from the store, aggregated here in JavaScript.
  const observations = (await sql<{ source_id: string; side: string; asset: string; fiat: string; run_id: number; started_at: Date; price: string; available: string | null }>`
    select r.source_id, l.side, l.asset, l.fiat, r.id as run_id, r.started_at, o.price::text, o.available::text
      from listing_observations o join crawl_runs r on r.id = o.run_id join listings l on l.id = o.listing_id
     where r.status in ('complete', 'partial')`.execute(rig.store.db)).rows;
  const markets = new Map<string, typeof observations>();
  for (const o of observations) {
    const key = `${o.source_id} · ${o.side} ${o.asset}/${o.fiat}`;
    markets.set(key, [...(markets.get(key) ?? []), o]);
  }
  const priceCharts = charts.filter((c) => c.id.startsWith('price-'));
  t.is(priceCharts.length, markets.size, 'one price chart per market');
  for (const chart of priceCharts) {
    const market = chart.title.slice(0, chart.title.indexOf(': price'));
    const rows = markets.get(market);
    if (!rows) return t.fail(`a chart for an unknown market: ${chart.title}`);
    const runs = [...new Set(rows.map((r) => r.run_id))].sort((a, b) => a - b);
    const startOf = (run: number) => rows.find((r) => r.run_id === run)!.started_at.getTime() / 1000;
    const prices = (run: number) => rows.filter((r) => r.run_id === run).map((r) => Number(r.price)).sort((a, b) => a - b);
    t.deepEqual(chart.data[0], runs.map(startOf), `${market}: one point per run`);
    closeTo(t, chart.data[1]!, runs.map((run) => percentile(prices(run), 0.5)), `${market} median`);
    closeTo(t, chart.data[2]!, runs.map((run) => percentile(prices(run), 0.9)), `${market} p90`);
    closeTo(t, chart.data[3]!, runs.map((run) => percentile(prices(run), 0.1)), `${market} p10`);
    const volume = charts.find((c) => c.title.startsWith(`${market}: available volume`))!;
    closeTo(t, volume.data[1]!, runs.map((run) => rows.filter((r) => r.run_id === run).reduce((sum, r) => sum + Number(r.available ?? 0), 0)), `${market} volume`);
  }

  const methods = (await sql<{ source_id: string; run_id: number; operator_id: number; method_code: string }>`
    select r.source_id, r.id as run_id, o.operator_id, lpm.method_code
      from crawl_runs r join listing_observations o on o.run_id = r.id
      join listing_payment_methods lpm on lpm.run_id = o.run_id and lpm.listing_id = o.listing_id
      join payment_methods pm on pm.code = lpm.method_code and pm.is_domestic`.execute(rig.store.db)).rows;
  const domestic = (await sql<{ code: string; name: string }>`select code, name from payment_methods where is_domestic order by code`.execute(rig.store.db)).rows;
  for (const source of ['demo-api', 'demo-html']) {
    const chart = charts.find((c) => c.id.startsWith('adoption-') && c.title.startsWith(`${source}:`));
    if (!chart) return t.fail(`no adoption chart for ${source}`);
    const runs = (await sql<{ id: number; started_at: Date }>`select id, started_at from crawl_runs where source_id = ${source} and status in ('complete', 'partial') order by started_at, id`.execute(rig.store.db)).rows;
    t.deepEqual(chart.data[0], runs.map((r) => r.started_at.getTime() / 1000));
    domestic.forEach((method, i) => {
      const expected = runs.map((run) => new Set(methods.filter((m) => m.run_id === run.id && m.method_code === method.code).map((m) => m.operator_id)).size);
      t.deepEqual(chart.data[i + 1], expected, `${source}: operators accepting ${method.code} per run`);
    });
    t.true(chart.data.slice(1).some((values) => values.some((v) => v > 0)), `${source}: some operator accepts a domestic method`);
  }

  const alertChart = charts.find((c) => c.id === 'alerts-0')!;
  const runs = (await sql<{ id: number; started_at: Date }>`select id, started_at from crawl_runs where status <> 'running' order by started_at, id`.execute(rig.store.db)).rows;
  const alerts = (await sql<{ run_id: number; kind: string }>`select run_id, kind from alerts`.execute(rig.store.db)).rows;
  t.deepEqual(alertChart.data[0], runs.map((r) => r.started_at.getTime() / 1000));
  ALERT_KINDS.forEach((kind, i) => {
    t.deepEqual(alertChart.data[i + 1], runs.map((run) => alerts.filter((a) => a.run_id === run.id && a.kind === kind).length), `alerts of kind ${kind} per run`);
  });
  t.true(alerts.length > 0);
});

/** `percentile_cont`: linear interpolation between the two nearest ranks. */
function percentile(sorted: number[], fraction: number): number {
  const at = fraction * (sorted.length - 1);
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

function closeTo(t: { is(a: unknown, b: unknown, m?: string): void; true(v: boolean, m?: string): void }, actual: number[], expected: number[], what: string): void {
  t.is(actual.length, expected.length, `${what}: point count`);
  t.true(actual.every((v, i) => Math.abs(v - expected[i]!) <= 1e-9 * Math.max(1, Math.abs(expected[i]!))), `${what}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
}
