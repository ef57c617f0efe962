import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crawlSource } from '../../crawler/crawl-runner.ts';
import { getAdapter } from '../../crawler/sources/index.ts';
import { openMigratedStore } from '../../store/open-migrated-store.ts';
import { upsertSource } from '../../store/sources.ts';
import { startDemoMarketplace, type DemoMarketplace } from '../demo/marketplace-server.ts';
import { adapterSourceRegistration } from '../jobs/builtin-sources.ts';
import { createCrawlServices } from '../jobs/crawl-services.ts';
import { runCrawlJob } from '../jobs/crawl-job.ts';
import { median } from './median.ts';

const ADS = 20_000;
const HTML_PAGE_SIZE = 20;
const JSON_ROWS = 50;
const CONCURRENCY = 8;
const REPEATS = 3;

/** One contender's crawl of the board: what it read, and the seconds the crawl took (opening a store is not counted). */
interface Crawl {
  rows: number;
  seconds: number;
}

/**
 * The same pages of one large demo marketplace (20,000 ads: 400 JSON pages
 * of 50, 1,000 HTML pages of 20), crawled in one run at concurrency 8 with
 * rate limits off by otcwatch (the whole crawl job: fetch, parse,
 * normalize, evidence and store, into an embedded PGlite store), Crawlee
 * (HttpCrawler with every JSON page known up front, CheerioCrawler following
 * the HTML board's next links; rows pushed to an in-memory dataset) and
 * bare `fetch` + `JSON.parse`. otcwatch's crawler alone (fetch, parse and
 * normalize, rows kept in memory as Crawlee's dataset keeps them) is timed
 * too, which tells the crawler's speed from the store's. Each is run 3
 * times in turn; medians and their ratios are printed.
 */
export async function run(): Promise<void> {
  const market = await startDemoMarketplace({ seed: 42, ads: ADS, pageSize: HTML_PAGE_SIZE });
  const jsonPages = Math.ceil(ADS / JSON_ROWS);
  const jsonUrls = Array.from({ length: jsonPages }, (_, i) => `${market.url}/api/v1/ads?page=${i + 1}&rows=${JSON_ROWS}`);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'otcwatch-http-bench-'));
  console.log(
    `command: npm run bench http   (demo marketplace: ${ADS} ads, ${jsonPages} JSON pages of ${JSON_ROWS}, ${ADS / HTML_PAGE_SIZE} HTML pages of ${HTML_PAGE_SIZE}; ` +
      `concurrency ${CONCURRENCY}, rate limits off; median of ${REPEATS})`,
  );
  const contenders: Record<string, () => Promise<Crawl>> = {
    'otcwatch demo-api (JSON, crawl + store)': () => crawlWithOtcwatch(market, dataDir, 'demo-api'),
    'otcwatch demo-api crawler only (JSON, rows in memory)': () => crawlInMemory(market, 'demo-api'),
    'Crawlee HttpCrawler (JSON, all known up front)': () => crawleeJson(jsonUrls),
    'bare fetch + JSON.parse': () => bareFetch(jsonUrls),
    'otcwatch demo-html (HTML by next link, crawl + store)': () => crawlWithOtcwatch(market, dataDir, 'demo-html'),
    'otcwatch demo-html crawler only (HTML, rows in memory)': () => crawlInMemory(market, 'demo-html'),
    'Crawlee CheerioCrawler (HTML by next link)': () => crawleeHtml(`${market.url}/market?page=1`),
  };
  const times = new Map<string, number[]>(Object.keys(contenders).map((name) => [name, []]));
  try {
    for (let round = 0; round < REPEATS; round += 1) {
      for (const [name, crawl] of Object.entries(contenders)) {
        const result = await crawl();
        times.get(name)!.push(result.seconds);
        if (result.rows !== ADS) throw new Error(`${name} read ${result.rows} rows, not ${ADS}`);
      }
    }
    const seconds = new Map([...times].map(([name, samples]) => [name, median(samples)]));
    for (const [name, s] of seconds) console.log(`${name}: ${s.toFixed(2)} s (runs: ${times.get(name)!.map((t) => t.toFixed(2)).join(', ')})`);
    const ratio = (a: string, b: string) => (seconds.get(b)! / seconds.get(a)!).toFixed(2);
    const [json, jsonMemory, httpCrawler, bare, html, htmlMemory, cheerioCrawler] = Object.keys(contenders) as [string, string, string, string, string, string, string];
    console.log(`otcwatch ÷ HttpCrawler speed (JSON): ${ratio(json, httpCrawler)}× (target ≥ 1.5×); crawler only ${ratio(jsonMemory, httpCrawler)}×`);
    console.log(`otcwatch ÷ bare fetch speed (JSON): ${ratio(json, bare)}× (target ≥ 0.5×); crawler only ${ratio(jsonMemory, bare)}×`);
    console.log(`otcwatch ÷ CheerioCrawler speed (HTML): ${ratio(html, cheerioCrawler)}× (target ≥ 1.5×); crawler only ${ratio(htmlMemory, cheerioCrawler)}×`);
  } finally {
    await market.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function crawlWithOtcwatch(market: DemoMarketplace, dataDir: string, sourceId: string): Promise<Crawl> {
  const store = await openMigratedStore({ pgliteDir: path.join(dataDir, `pgdata-${sourceId}`) });
  const services = createCrawlServices({ dataDir });
  try {
    const politeness = { minGapMs: 0, concurrency: CONCURRENCY, respectRobots: true };
    await upsertSource(store.db, adapterSourceRegistration(getAdapter(sourceId), { baseUrl: market.url, politeness }));
    const started = performance.now();
    const result = await runCrawlJob(store, services, sourceId, { maxPages: 2000 });
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== 'complete') throw new Error(`otcwatch crawl of ${sourceId} was ${result.status}: ${result.error}`);
    return { rows: result.listings, seconds };
  } finally {
    await services.close();
    await store.close();
  }
}

/** otcwatch's crawl runner on the same pages with no store and no archive: what the crawler costs on its own. */
async function crawlInMemory(market: DemoMarketplace, sourceId: string): Promise<Crawl> {
  const services = createCrawlServices({ dataDir: tmpdir() });
  try {
    const adapter = getAdapter(sourceId);
    const politeness = { minGapMs: 0, concurrency: CONCURRENCY, requestsPerInterval: 0, intervalMs: 1000, respectRobots: true };
    services.limiter.configure(new URL(market.url).host, politeness);
    const source = { id: sourceId, adapter: sourceId, baseUrl: market.url, params: {}, politeness, maxPages: 2000 };
    const kept: unknown[] = [];
    const fetcher = await services.fetcherFor(adapter.fetcher);
    let status = '';
    const seconds = await timed(async () => {
      status = (await crawlSource({ adapter, source, fetcher, onPage: async (page) => void kept.push(...page.listings) })).status;
    });
    if (status !== 'complete') throw new Error(`otcwatch crawler of ${sourceId} was ${status}`);
    return { rows: kept.length, seconds };
  } finally {
    await services.close();
  }
}

async function crawleeJson(urls: string[]): Promise<Crawl> {
  const { HttpCrawler } = await import('crawlee');
  let rows = 0;
  const crawler = new HttpCrawler(
    {
      ...crawleeOptions(),
      additionalMimeTypes: ['application/json'],
      async requestHandler({ body, pushData }) {
        const items = (JSON.parse(body.toString()) as { data: { items: Record<string, unknown>[] } }).data.items;
        rows += items.length;
        await pushData(items);
      },
    },
    await memoryConfiguration(),
  );
  const seconds = await timed(() => crawler.run(urls));
  return { rows, seconds };
}

async function crawleeHtml(firstUrl: string): Promise<Crawl> {
  const { CheerioCrawler } = await import('crawlee');
  let rows = 0;
  const crawler = new CheerioCrawler(
    {
      ...crawleeOptions(),
      async requestHandler({ $, pushData, enqueueLinks }) {
        const ads = $('tr[data-ad-id]')
          .map((_, row) => ({ adId: $(row).attr('data-ad-id'), cells: $(row).find('td').map((__, td) => $(td).text().trim()).get() }))
          .get();
        rows += ads.length;
        await pushData(ads);
        await enqueueLinks({ selector: 'a[rel="next"]' });
      },
    },
    await memoryConfiguration(),
  );
  const seconds = await timed(() => crawler.run([firstUrl]));
  return { rows, seconds };
}

/** Crawlee at a fixed concurrency, quiet, without the session pool's browser-like headers work. */
function crawleeOptions() {
  return { minConcurrency: CONCURRENCY, maxConcurrency: CONCURRENCY, maxRequestRetries: 3, useSessionPool: false };
}

async function memoryConfiguration() {
  const { Configuration, log } = await import('crawlee');
  log.setLevel(log.LEVELS.WARNING);
  return new Configuration({ persistStorage: false, purgeOnStart: true });
}

async function bareFetch(urls: string[]): Promise<Crawl> {
  let rows = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < urls.length; i = next++) {
      const response = await fetch(urls[i]!);
      rows += (JSON.parse(await response.text()) as { data: { items: unknown[] } }).data.items.length;
    }
  };
  const seconds = await timed(() => Promise.all(Array.from({ length: CONCURRENCY }, worker)));
  return { rows, seconds };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}
