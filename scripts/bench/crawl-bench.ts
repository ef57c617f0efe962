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

/**
 * Demo crawl throughput with rate limits off: pages/s and listings/s of the
 * JSON API and HTML sources into an embedded store (or DATABASE_URL), over a
 * demo marketplace with small pages so a crawl has many of them.
 */
export async function run(): Promise<void> {
  const pageSize = 5;
  const crawls = 5;
  const market = await startDemoMarketplace({ seed: 42, tick: 200, pageSize });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'otcwatch-bench-'));
  const store = await openMigratedStore({ databaseUrl: process.env.DATABASE_URL, pgliteDir: path.join(dataDir, 'pgdata') });
  const services = createCrawlServices({ dataDir });
  try {
    console.log(`command: npm run bench crawl   (store: ${store.engine}, demo marketplace tick 200, ${market.state().ads.length} ads, ${pageSize} per HTML page)`);
    for (const id of ['demo-api', 'demo-html']) {
      await upsertSource(
        store.db,
        adapterSourceRegistration(getAdapter(id), { baseUrl: market.url, politeness: { minGapMs: 0, concurrency: 8, respectRobots: true } }),
      );
      let pages = 0;
      let listings = 0;
      let crawlMs = 0;
      for (let i = 0; i < crawls; i += 1) {
        const result = await runCrawlJob(store, services, id);
        if (result.status !== 'complete') throw new Error(`bench crawl ${id} was ${result.status}: ${result.error}`);
        pages += result.pagesOk;
        listings += result.listings;
        crawlMs += result.elapsedMs;
      }
      const seconds = crawlMs / 1000;
      console.log(
        `${id}: ${crawls} crawls, ${pages} pages, ${listings} listings in ${seconds.toFixed(2)} s (fetch + parse + store) → ` +
          `${(pages / seconds).toFixed(1)} pages/s, ${(listings / seconds).toFixed(0)} listings/s`,
      );
    }
  } finally {
    await services.close();
    await store.close();
    await market.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
