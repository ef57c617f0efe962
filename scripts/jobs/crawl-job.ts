import { checkLimit } from '../../crawler/crawl-limits.ts';
import { crawlSource, type CrawlProgress, type CrawlResult } from '../../crawler/crawl-runner.ts';
import type { PolitenessConfig } from '../../crawler/source-adapter.ts';
import { adapterForSource } from '../../crawler/sources/index.ts';
import type { Store } from '../../store/connection.ts';
import type { WarcWriter } from '../../crawler/evidence/warc-writer.ts';
import { claimRun, heartbeatRun } from '../../store/crawl-runs.ts';
import { readRunJournal, RunJournal } from '../../store/run-journal.ts';
import { closeRun } from '../../store/snapshot-writer.ts';
import { findSource, listSources } from '../../store/sources.ts';
import type { CrawlServices } from './crawl-services.ts';
import { failpoint } from './failpoints.ts';
import { openRunArchive } from './run-archive.ts';
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
  /** True when this call finished a run an earlier process had started (and died in). */
  resumed: boolean;
  /** Pages of the run, including those read before a resume. */
  pagesOk: number;
  pagesFailed: number;
  /** Pages a resumed run did not fetch again. */
  resumedPages: number;
  listings: number;
  parseFailures: number;
  elapsedMs: number;
}

/**
 * Holds the host to the strictest of every enabled source on it, from the
 * store — not only those this process happens to have crawled — so a lax
 * source never runs at its own pace beside a stricter sibling crawled
 * elsewhere. A sibling whose stored row is broken is left to its own crawl
 * to report.
 */
async function configureSiblings(store: Store, services: CrawlServices, host: string, sourceId: string): Promise<void> {
  for (const sibling of await listSources(store.db)) {
    if (sibling.id === sourceId || !sibling.enabled || hostOf(sibling.base_url) !== host) continue;
    try {
      services.limiter.configure(host, sourceConfigOf(sibling, adapterForSource(sibling)).politeness, sibling.id);
    } catch {
      // Its own crawl refuses it with the reason.
    }
  }
}

function hostOf(baseUrl: string): string | null {
  try {
    return new URL(baseUrl).host;
  } catch {
    return null;
  }
}

/** Thrown when another live process holds the source's run. */
export class SourceBusyError extends Error {
  override readonly name = 'SourceBusyError';
  constructor(
    readonly sourceId: string,
    readonly runId: number,
    readonly owner: string | null,
  ) {
    super(`${sourceId} is being crawled by run #${runId}${owner ? ` (${owner})` : ''}; it was not crawled again — try once that run has ended (otcwatch runs --source ${sourceId})`);
  }
}

/**
 * One snapshot of one source, end to end and durable: claim the source's
 * live run (resuming one whose process died, from its journal), crawl,
 * store each page as it is read, keep the claim alive with a heartbeat,
 * and close the run in one step. If the process dies, the run stays
 * `running` with a stale heartbeat, and the next crawl of the source —
 * in any process — resumes it without fetching its pages again.
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
  const host = new URL(source.baseUrl).host;
  services.limiter.configure(host, source.politeness, source.id);
  await configureSiblings(store, services, host, source.id);

  const started = performance.now();
  const { owner, lease } = services;
  const claim = await claimRun(store.db, sourceId, { owner, leaseMs: lease.leaseMs, maxResumeAgeMs: lease.maxResumeAgeMs });
  if (claim.kind === 'busy') throw new SourceBusyError(sourceId, claim.runId, claim.owner);
  const { runId } = claim;

  // Losing the claim (a missed lease taken over by another process) stops this crawl.
  const lost = new AbortController();
  const heartbeat = setInterval(() => {
    heartbeatRun(store.db, runId, owner).then(
      (held) => held || lost.abort(),
      () => {}, // A transient database error: the next beat tries again.
    );
  }, lease.heartbeatMs);
  const signal = options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal;
  let archive: WarcWriter | undefined;
  try {
    const { read: resumeFrom, stored } = claim.kind === 'resumed' ? await readRunJournal(store.db, runId) : { read: new Map(), stored: new Set<string>() };
    if (services.archive) archive = await openRunArchive(store.db, { dataDir: services.dataDir, runId, sourceId, owner, resumed: claim.kind === 'resumed' });
    const journal = new RunJournal({ db: store.db, runId, platform: adapter.platform, stored });
    const fetcher = await services.fetcherFor(adapter.fetcher);
    const result = await crawlSource({
      adapter,
      source,
      fetcher,
      ...(archive ? { archive } : {}),
      resumeFrom,
      onPage: (page) => journal.write(page).then(() => failpoint('after-page')),
      signal,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    if (lost.signal.aborted) throw new Error(`run #${runId} was taken over by another process after a missed heartbeat`);
    // Every append written before the run is closed: a closed run's archive is complete.
    await archive?.close();
    archive = undefined;
    await closeRun(store.db, { runId, status: result.status, error: result.error, owner });
    failpoint('after-close');
    const closed = await store.db.selectFrom('crawl_runs').select(['listings_count', 'parse_failures_count']).where('id', '=', runId).executeTakeFirstOrThrow();
    return {
      runId,
      sourceId,
      status: result.status,
      error: result.error,
      resumed: claim.kind === 'resumed',
      pagesOk: result.pagesOk,
      pagesFailed: result.pagesFailed,
      resumedPages: result.resumedPages,
      listings: closed.listings_count,
      parseFailures: closed.parse_failures_count,
      elapsedMs: performance.now() - started,
    };
  } catch (error) {
    // What was read stays journalled; a run still held is closed as failed, one lost to another process is left to it.
    await closeRun(store.db, { runId, status: 'failed', error: `crawl aborted: ${(error as Error).message}`, owner }).catch(() => {});
    throw error;
  } finally {
    clearInterval(heartbeat);
    await archive?.close().catch(() => {});
  }
}
