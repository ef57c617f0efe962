import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import type { PolitenessConfig } from '../../crawler/source-adapter.ts';
import { createCrawlServices } from '../../scripts/jobs/crawl-services.ts';
import { runCrawlJob } from '../../scripts/jobs/crawl-job.ts';
import type { Store } from '../../store/connection.ts';
import { upsertSource } from '../../store/sources.ts';
import { startPlatformServer, type PlatformKit, type PlatformServer } from './platform-server.ts';
import { createTestStore } from './test-store.ts';

export interface AdapterCrawlRig {
  store: Store;
  server: PlatformServer;
  /** The crawl services' data folder: run archives are under its warc/. */
  dataDir: string;
  /** Registers the kit's adapter as a source pointed at the server (no politeness delay unless given). */
  source(params?: Record<string, unknown>, politeness?: Partial<PolitenessConfig>): Promise<void>;
  crawl(): ReturnType<typeof runCrawlJob>;
  /** Parse failures a run stored. */
  failures(runId: number): Promise<{ raw: string; error: string; field_path: string | null }[]>;
}

/**
 * A platform's test server on 127.0.0.1, a fresh store and crawl services
 * with a short retry backoff (3 attempts); all torn down after the test.
 * Crawls go through `runCrawlJob`, end to end.
 *
 * @example
 * const rig = await adapterCrawlRig(t, binanceKit);
 * await rig.source();
 * const result = await rig.crawl();
 */
export async function adapterCrawlRig(t: ExecutionContext, kit: PlatformKit): Promise<AdapterCrawlRig> {
  const [store, server, dataDir] = await Promise.all([
    createTestStore(),
    startPlatformServer(kit),
    mkdtemp(path.join(tmpdir(), `otcwatch-${kit.adapter}-`)),
  ]);
  const services = createCrawlServices({ dataDir, retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 } });
  t.teardown(async () => {
    await services.close();
    await Promise.all([store.close(), server.close(), rm(dataDir, { recursive: true, force: true })]);
  });
  return {
    store,
    server,
    dataDir,
    async source(params = {}, politeness = {}) {
      await upsertSource(store.db, {
        id: kit.adapter,
        adapter: kit.adapter,
        platform: kit.platform,
        kind: 'api',
        baseUrl: server.url,
        params,
        // Transient pages are read again after 10 ms, not 2 s.
        politeness: { minGapMs: 0, concurrency: 4, pageRetryDelayMs: 10, ...politeness },
      });
    },
    crawl: () => runCrawlJob(store, services, kit.adapter),
    failures: (runId) =>
      store.db.selectFrom('parse_failures').where('run_id', '=', runId).select(['raw', 'error', 'field_path']).orderBy('id').execute(),
  };
}
