import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import type { PolitenessConfig } from '../../crawler/source-adapter.ts';
import { getAdapter } from '../../crawler/sources/index.ts';
import type { Store } from '../../store/connection.ts';
import { upsertSource } from '../../store/sources.ts';
import { startDemoMarketplace, type DemoMarketplace, type DemoMarketplaceOptions } from '../../scripts/demo/marketplace-server.ts';
import { adapterSourceRegistration } from '../../scripts/jobs/builtin-sources.ts';
import { createCrawlServices, type CrawlServices, type CrawlServicesOptions } from '../../scripts/jobs/crawl-services.ts';
import { runCrawlJob, type CrawlJobOptions } from '../../scripts/jobs/crawl-job.ts';
import { createTestStore } from './test-store.ts';

export interface DemoCrawlRig {
  store: Store;
  market: DemoMarketplace;
  services: CrawlServices;
  dataDir: string;
  /** Registers (or re-points) a demo source at the marketplace with these politeness settings. */
  source(id: string, politeness?: Partial<PolitenessConfig>, params?: Record<string, unknown>): Promise<void>;
  crawl(id: string, options?: CrawlJobOptions): ReturnType<typeof runCrawlJob>;
}

/**
 * A real demo marketplace on 127.0.0.1, a fresh store and crawl services
 * with a short retry backoff (`servicesOptions` adds to or overrides them);
 * all torn down after the test.
 */
export async function demoCrawlRig(
  t: ExecutionContext,
  options: DemoMarketplaceOptions = {},
  servicesOptions: Omit<CrawlServicesOptions, 'dataDir'> = {},
): Promise<DemoCrawlRig> {
  const [store, market, dataDir] = await Promise.all([
    createTestStore(),
    startDemoMarketplace(options),
    mkdtemp(path.join(tmpdir(), 'otcwatch-test-')),
  ]);
  const services = createCrawlServices({ dataDir, retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, ...servicesOptions });
  t.teardown(async () => {
    await services.close();
    await Promise.all([store.close(), market.close(), rm(dataDir, { recursive: true, force: true })]);
  });
  return {
    store,
    market,
    services,
    dataDir,
    async source(id, politeness = {}, params = {}) {
      await upsertSource(
        store.db,
        adapterSourceRegistration(getAdapter(id), { baseUrl: market.url, params, politeness: { minGapMs: 0, concurrency: 4, pageRetryDelayMs: 10, ...politeness } }),
      );
    },
    crawl: (id, crawlOptions) => runCrawlJob(store, services, id, crawlOptions),
  };
}
