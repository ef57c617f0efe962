import { checkLimit } from '../../crawler/crawl-limits.ts';
import { crawlSource, type CrawlProgress, type CrawlResult } from '../../crawler/crawl-runner.ts';
import type { PolitenessConfig } from '../../crawler/source-adapter.ts';
import { adapterForSource } from '../../crawler/sources/index.ts';
import type { Store } from '../../store/connection.ts';
import { failAbandonedRuns, failRun, startRun } from '../../store/crawl-runs.ts';
import { writeSnapshot } from '../../store/snapshot-writer.ts';
import { findSource } from '../../store/sources.ts';
import type { CrawlServices } from './crawl-services.ts';
import { sourceConfigOf } from './source-config.ts';

export interface CrawlJobOptions {
  /** Politeness overrides for this crawl only. */
  politeness?: Partial<PolitenessConfig>;
  maxPages?: number;
  signal?: AbortSignal;
  onProgress?: (progress: CrawlProgress) => void;
}

export interface CrawlJobResult {
  runId: number;
  sourceId: string;
  status: CrawlResult['status'];
  error: string | null;
  pagesOk: number;
  pagesFailed: number;
  listings: number;
  parseFailures: number;
  elapsedMs: number;
}

/**
 * One snapshot of one source, end to end: open a run, crawl, write the
 * snapshot in one transaction. An unexpected error marks the run failed
 * and is rethrown; nothing half-written looks complete.
 *
 * @example
 * const result = await runCrawlJob(store, services, 'demo-api');
 * console.log(result.status, result.listings);
 */
export async function runCrawlJob(store: Store, services: CrawlServices, sourceId: string, options: CrawlJobOptions = {}): Promise<CrawlJobResult> {
  const row = await findSource(store.db, sourceId);
  if (!row) throw new Error(`unknown source "${sourceId}"; list them with: otcwatch sources`);
  const adapter = adapterForSource(row);
  const source = sourceConfigOf(row, adapter, options.politeness);
  if (options.maxPages !== undefined) source.maxPages = checkLimit('maxPages', options.maxPages, `source ${sourceId}: max pages`);
  services.limiter.configure(new URL(source.baseUrl).host, source.politeness, source.id);

  const started = performance.now();
  await failAbandonedRuns(store.db, sourceId);
  const runId = await startRun(store.db, sourceId);
  try {
    const fetcher = await services.fetcherFor(adapter.fetcher);
    const result = await crawlSource({
      adapter,
      source,
      fetcher,
      evidence: services.evidence,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    // The store has no `cancelled` status before migration 0005 (durable runs); until then a cancelled run is kept as partial, which diffs treat alike (no vanish).
    const stored = result.status === 'cancelled' ? 'partial' : result.status;
    await writeSnapshot(store.db, { runId, platform: adapter.platform, status: stored, error: result.error, pages: result.pages });
    const listingKeys = new Set(result.pages.flatMap((p) => p.listings.map((l) => l.listingKey)));
    return {
      runId,
      sourceId,
      status: result.status,
      error: result.error,
      pagesOk: result.pages.filter((p) => p.outcome === 'ok').length,
      pagesFailed: result.pages.filter((p) => p.outcome === 'failed').length,
      listings: listingKeys.size,
      parseFailures: result.pages.reduce((n, p) => n + p.failures.length, 0),
      elapsedMs: performance.now() - started,
    };
  } catch (error) {
    await failRun(store.db, runId, `crawl aborted: ${(error as Error).message}`);
    throw error;
  }
}
