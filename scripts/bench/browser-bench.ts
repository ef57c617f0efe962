import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WarcWriter } from '../../crawler/evidence/warc-writer.ts';
import type { Exchange } from '../../crawler/evidence/exchange.ts';
import { BrowserFetcher } from '../../crawler/fetch/browser-fetcher.ts';
import { processTreeMemory } from '../../crawler/fetch/browser-memory.ts';
import { SERVER_LAUNCH_ARGS } from '../../crawler/fetch/browser-launch.ts';
import { findBrowser } from '../../crawler/fetch/find-browser.ts';
import { HostLimiter } from '../../crawler/fetch/host-limiter.ts';
import { HttpFetcher } from '../../crawler/fetch/http-fetcher.ts';
import { parseDemoBoard } from '../../crawler/sources/demo-html.ts';
import { startDemoMarketplace } from '../demo/marketplace-server.ts';

/** What a crawler does with each page in both runs: wait for this, then read the DOM and a full-page PNG. */
const READY = '#ads-ready, #ads-error';
const BLOCKED = new Set(['image', 'font', 'media']);
const CRAWLERS = ['otcwatch', 'crawlee'] as const;
type Crawler = (typeof CRAWLERS)[number];

/**
 * 1,000 JavaScript-rendered pages of the demo marketplace (`/app?page=N&r=K`:
 * the 21 pages of a 104-ad tick with 5 ads a page, made distinct by `r`,
 * which the server ignores), read by otcwatch's browser fetcher and then by
 * Crawlee's PlaywrightCrawler with the same concurrency, the same Chromium
 * and flags, the same blocked resource types, and the same work per page.
 * Rate limits are off. Each crawler runs in a child process of its own, so
 * neither inherits the other's heap; this process serves the marketplace
 * and samples the child's process tree (Node + browsers) every 100 ms.
 *
 * `npm run bench browser -- --pages=1000 --concurrency=4`
 */
export async function run(argv: string[]): Promise<void> {
  const pages = flag(argv, 'pages', 1000);
  const concurrency = flag(argv, 'concurrency', 4);
  const market = await startDemoMarketplace({ seed: 42, tick: 200, pageSize: 5 });
  const pageCount = Math.ceil(market.state().ads.length / 5);
  const urls = Array.from({ length: pages }, (_, i) => `${market.url}/app?page=${1 + (i % pageCount)}&r=${i}`);
  console.log(`command: npm run bench browser -- --pages=${pages} --concurrency=${concurrency}   (${findBrowser().path}, demo marketplace tick 200, ${pageCount} pages of 5 ads, rate limits off)`);
  try {
    for (const crawler of CRAWLERS) {
      const result = await measureChild(crawler, urls, concurrency);
      console.log(
        `${crawler.padEnd(8)}: ${result.pages} pages (${result.listings} listings, ${result.failed} failed) in ${result.seconds.toFixed(1)} s → ` +
          `${(result.pages / result.seconds).toFixed(1)} pages/s; peak RSS ${mib(result.peakRss)} (peak PSS ${mib(result.peakPss)}); ` +
          `peak RSS by quarter of the crawl: ${result.quarters.map(mib).join(', ')}`,
      );
    }
  } finally {
    await market.close();
  }
}

interface ChildResult {
  pages: number;
  failed: number;
  listings: number;
  seconds: number;
}

/** Run one crawler in a child process; sample its process tree's memory while it runs. */
async function measureChild(crawler: Crawler, urls: string[], concurrency: number): Promise<ChildResult & { peakRss: number; peakPss: number; quarters: number[] }> {
  // The child runs as its parent does: compiled JavaScript under `npm run bench`.
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), crawler, String(concurrency)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end(JSON.stringify(urls));
  let peakRss = 0;
  let peakPss = 0;
  let quarter = 0;
  const quarters = [0, 0, 0, 0];
  let ticks = 0;
  const sampler = setInterval(() => {
    const rss = processTreeMemory(child.pid!, 'rss') ?? 0;
    peakRss = Math.max(peakRss, rss);
    quarters[quarter] = Math.max(quarters[quarter]!, rss);
    // PSS costs about 1 ms per process to read; once a second is enough for a peak.
    if (ticks++ % 10 === 0) peakPss = Math.max(peakPss, processTreeMemory(child.pid!, 'pss') ?? 0);
  }, 100);
  let result: ChildResult | null = null;
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const message = JSON.parse(line) as { done: number } | ChildResult;
      if ('done' in message) quarter = Math.min(3, Math.floor((4 * message.done) / urls.length));
      else result = message;
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  if (code !== 0 || result === null) throw new Error(`the ${crawler} benchmark child exited with code ${code}`);
  return { ...(result as ChildResult), peakRss, peakPss, quarters };
}

/** In the child: read the URLs from stdin, crawl them, report progress and the result as JSON lines. */
async function child(crawler: Crawler, concurrency: number): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const urls = JSON.parse(input) as string[];
  const dir = await mkdtemp(path.join(tmpdir(), `otcwatch-bench-${crawler}-`));
  const report = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  try {
    const started = performance.now();
    const counts = crawler === 'otcwatch' ? await withOtcwatch(urls, concurrency, dir, report) : await withCrawlee(urls, concurrency, dir, report);
    report({ ...counts, pages: urls.length, seconds: (performance.now() - started) / 1000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Counts = { listings: number; failed: number };

async function withOtcwatch(urls: string[], concurrency: number, dir: string, report: (m: object) => void): Promise<Counts> {
  const limiter = new HostLimiter({ defaults: { minGapMs: 0, concurrency: 64 } });
  const http = new HttpFetcher({ limiter });
  const fetcher = new BrowserFetcher({ limiter, robots: http.robots, pool: { maxPages: concurrency } });
  // As a crawl keeps them: each page's exchange, rendered DOM and screenshot in a WARC archive.
  const warc = await WarcWriter.open({ path: path.join(dir, 'bench.warc.gz'), name: 'bench.warc.gz', info: { software: 'otcwatch browser bench' } });
  const archive = { record: async (exchange: Exchange) => void (await warc.append(exchange)) };
  const counts = { listings: 0, failed: 0 };
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < urls.length; i = next++) {
      try {
        const page = await fetcher.fetch({ url: urls[i]!, readiness: { selector: READY } }, { archive });
        counts.listings += parseDemoBoard(page).listings.length;
      } catch {
        counts.failed += 1;
      }
      report({ done: ++done });
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await fetcher.close();
    await warc.close();
  }
  return counts;
}

async function withCrawlee(urls: string[], concurrency: number, dir: string, report: (m: object) => void): Promise<Counts> {
  const { Configuration, PlaywrightCrawler, log } = await import('crawlee');
  const { chromium } = await import('playwright');
  log.setLevel(log.LEVELS.WARNING);
  const evidence = path.join(dir, 'evidence');
  await mkdir(evidence, { recursive: true });
  const counts = { listings: 0, failed: 0 };
  let done = 0;
  const crawler = new PlaywrightCrawler(
    {
      launchContext: { launcher: chromium, launchOptions: { executablePath: findBrowser().path, headless: true, args: [...SERVER_LAUNCH_ARGS] } },
      minConcurrency: concurrency,
      maxConcurrency: concurrency,
      // Fingerprints disguise the crawler as a person's browser; otcwatch never does, so neither run pays for them.
      browserPoolOptions: { useFingerprints: false },
      preNavigationHooks: [
        async ({ page }) => {
          await page.route('**/*', (route) => (BLOCKED.has(route.request().resourceType()) ? route.abort('blockedbyclient') : route.continue()));
        },
      ],
      async requestHandler({ page, request }) {
        await page.waitForSelector(READY, { state: 'attached' });
        const body = await page.content();
        const screenshot = await page.screenshot({ fullPage: true, type: 'png' });
        await writeFile(path.join(evidence, `${createHash('sha256').update(screenshot).digest('hex')}.png`), screenshot);
        const sha256 = createHash('sha256').update(body).digest('hex');
        counts.listings += parseDemoBoard({ url: request.url, status: 200, headers: {}, body, fetchedAt: new Date(), sha256 }).listings.length;
        report({ done: ++done });
      },
      failedRequestHandler() {
        counts.failed += 1;
      },
    },
    new Configuration({ persistStorage: false, storageClientOptions: { localDataDirectory: path.join(dir, 'storage'), persistStorage: false } }),
  );
  await crawler.run(urls);
  return counts;
}

function flag(argv: string[], name: string, fallback: number): number {
  const raw = argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1, got ${raw}`);
  return value;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [crawler, concurrency] = process.argv.slice(2);
  if (!CRAWLERS.includes(crawler as Crawler)) throw new Error(`usage: browser-bench.ts otcwatch|crawlee <concurrency>`);
  await child(crawler as Crawler, Number(concurrency));
}
