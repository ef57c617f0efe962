import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getAdapter } from '../../crawler/sources/index.ts';
import { openMigratedStore } from '../../store/open-migrated-store.ts';
import { upsertSource } from '../../store/sources.ts';
import { startDemoMarketplace } from '../demo/marketplace-server.ts';
import { adapterSourceRegistration } from '../jobs/builtin-sources.ts';
import { createCrawlServices } from '../jobs/crawl-services.ts';
import { runCrawlJob } from '../jobs/crawl-job.ts';
import { median } from './median.ts';

/**
 * Demo crawl throughput with rate limits off: pages/s and listings/s of the
 * JSON API and HTML sources into an embedded store (or DATABASE_URL), over a
 * demo marketplace of 2,000 ads (40 JSON pages of 50, 100 HTML pages of 20:
 * enough pages that a run's own costs — opening it, its archive file,
 * robots.txt, closing it — do not stand for the pages') — with each run's
 * WARC archive on and off, crawls of the two interleaved on the same pages,
 * and the median of each with their ratio.
 */
export async function run(): Promise<void> {
  const ads = 2000;
  const pageSize = 20;
  const crawls = 6;
  const market = await startDemoMarketplace({ seed: 42, ads, pageSize });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'otcwatch-bench-'));
  const store = await openMigratedStore({ databaseUrl: process.env.DATABASE_URL, pgliteDir: path.join(dataDir, 'pgdata') });
  const modes = { archive: createCrawlServices({ dataDir, archive: true }), 'no archive': createCrawlServices({ dataDir, archive: false }) };
  try {
    console.log(`command: npm run bench crawl   (store: ${store.engine}, demo marketplace of ${market.state().ads.length} ads, ${pageSize} per HTML page, ${crawls} crawls per mode, interleaved)`);
    for (const id of ['demo-api', 'demo-html']) {
      await upsertSource(
        store.db,
        adapterSourceRegistration(getAdapter(id), { baseUrl: market.url, politeness: { minGapMs: 0, concurrency: 8, respectRobots: true } }),
      );
      const rates: Record<keyof typeof modes, { pages: number; listings: number }[]> = { archive: [], 'no archive': [] };
      for (let i = 0; i < crawls; i += 1) {
        for (const mode of Object.keys(modes) as (keyof typeof modes)[]) {
          const result = await runCrawlJob(store, modes[mode], id);
          if (result.status !== 'complete') throw new Error(`bench crawl ${id} was ${result.status}: ${result.error}`);
          const seconds = result.elapsedMs / 1000;
          rates[mode].push({ pages: result.pagesOk / seconds, listings: result.listings / seconds });
        }
      }
      const line = (mode: keyof typeof modes) =>
        `${median(rates[mode].map((r) => r.pages)).toFixed(1)} pages/s, ${median(rates[mode].map((r) => r.listings)).toFixed(0)} listings/s`;
      const ratio = median(rates.archive.map((r) => r.pages)) / median(rates['no archive'].map((r) => r.pages));
      console.log(`${id} (fetch + parse + store, median of ${crawls}): archive on ${line('archive')}; off ${line('no archive')}; on/off ${ratio.toFixed(2)}× (archive cost ${((1 - ratio) * 100).toFixed(1)} %)`);
    }
  } finally {
    for (const services of Object.values(modes)) await services.close();
    await store.close();
    await market.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
