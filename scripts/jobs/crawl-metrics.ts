import { Counter, Histogram, Registry } from 'prom-client';
import type { FetchObserver } from '../../crawler/fetch/fetch-observer.ts';
import type { CrawlJobResult } from './crawl-job.ts';

/**
 * Prometheus metrics of crawling, on a registry of their own (the worker
 * serves `registry.metrics()` on `--metrics-port`):
 *
 * - `otcwatch_pages_total{source, outcome}` — pages read (`ok`) or failed;
 * - `otcwatch_listings_total{source}` — listings stored;
 * - `otcwatch_runs_total{source, status}` — crawls ended, by run status;
 * - `otcwatch_fetch_failures_total{fetcher, host, kind}` — fetches that failed for good, by error kind;
 * - `otcwatch_fetch_duration_seconds{fetcher, host}` — one exchange (an
 *   HTTP request or a browser render), from its limiter slot to its end.
 *
 * Fetch figures come from the fetchers' `FetchObserver` hooks (`observer`,
 * given to `createCrawlServices`), run figures from `recordCrawl`, so the
 * crawler itself never imports prom-client.
 *
 * @example
 * const metrics = crawlMetrics();
 * const services = createCrawlServices({ dataDir, observer: metrics.observer });
 * metrics.recordCrawl(await runCrawlJob(store, services, 'demo-api'));
 * response.end(await metrics.registry.metrics());
 */
export function crawlMetrics(registry = new Registry()): CrawlMetrics {
  const pages = new Counter({ name: 'otcwatch_pages_total', help: 'Pages read (outcome ok) or failed, per source.', labelNames: ['source', 'outcome'], registers: [registry] });
  const listings = new Counter({ name: 'otcwatch_listings_total', help: 'Listings stored, per source.', labelNames: ['source'], registers: [registry] });
  const runs = new Counter({ name: 'otcwatch_runs_total', help: 'Crawls ended, per source and run status.', labelNames: ['source', 'status'], registers: [registry] });
  const failures = new Counter({
    name: 'otcwatch_fetch_failures_total',
    help: 'Fetches that failed for good (after retries), per fetcher, host and error kind.',
    labelNames: ['fetcher', 'host', 'kind'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'otcwatch_fetch_duration_seconds',
    help: 'One exchange (an HTTP request or a browser render), from its limiter slot to its end.',
    labelNames: ['fetcher', 'host'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    registry,
    observer: {
      exchange: (e) => latency.observe({ fetcher: e.fetcher, host: e.host }, e.durationMs / 1000),
      outcome: (e) => {
        if (!e.ok) failures.inc({ fetcher: e.fetcher, host: e.host, kind: e.error ?? 'unknown' });
      },
    },
    recordCrawl(result) {
      pages.inc({ source: result.sourceId, outcome: 'ok' }, result.pagesOk);
      pages.inc({ source: result.sourceId, outcome: 'failed' }, result.pagesFailed);
      listings.inc({ source: result.sourceId }, result.listings);
      runs.inc({ source: result.sourceId, status: result.status });
    },
  };
}

export interface CrawlMetrics {
  /** Holds only these metrics; serve it with `await registry.metrics()` (content type `registry.contentType`). */
  registry: Registry;
  /** Hand to `createCrawlServices({ observer })`. */
  observer: FetchObserver;
  /** Count a finished crawl's pages, listings and status. */
  recordCrawl(result: CrawlJobResult): void;
}
