import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { BrowserFetcher, BrowserFetcherProps } from '../../crawler/fetch/browser-fetcher.ts';
import { HostLimiter } from '../../crawler/fetch/host-limiter.ts';
import { HttpFetcher } from '../../crawler/fetch/http-fetcher.ts';
import type { FetchObserver } from '../../crawler/fetch/fetch-observer.ts';
import type { HostSlots } from '../../crawler/fetch/host-slots.ts';
import type { RetryOptions } from '../../crawler/fetch/retry-settings.ts';
import { DEFAULT_USER_AGENT } from '../../crawler/fetch/user-agent.ts';
import type { Fetcher } from '../../crawler/fetcher.ts';

/**
 * The long-lived parts every crawl in a process shares: one per-host
 * limiter (so a host's limit holds across sources and fetchers), the robots
 * cache, the HTTP fetcher, the data folder runs archive into, and the browser fetcher,
 * made (and its browser found) only when a browser source is crawled.
 *
 * @example
 * const services = createCrawlServices({ dataDir });
 * await runCrawlJob(store, services, 'demo-api');
 * await services.close();
 */
export interface CrawlServices {
  limiter: HostLimiter;
  http: HttpFetcher;
  /** Where each run's WARC archive is written (`<dataDir>/warc/`). */
  dataDir: string;
  /** Whether runs keep a WARC archive of every exchange (`OTCWATCH_ARCHIVE=off` turns it off). */
  archive: boolean;
  userAgent: string;
  /** This process, as the owner of the runs it holds: `host:pid:nonce`. */
  owner: string;
  lease: RunLease;
  /** The fetcher for an adapter's `fetcher` kind. */
  fetcherFor(kind: 'http' | 'browser'): Promise<Fetcher>;
  close(): Promise<void>;
}

/** How a process holds its runs: the heartbeat that keeps them, and when others may take them over. */
export interface RunLease {
  /** A run whose heartbeat is older than this is abandoned (its process died) and may be resumed. */
  leaseMs: number;
  heartbeatMs: number;
  /** An abandoned run older than this is closed as failed rather than resumed. */
  maxResumeAgeMs: number;
}

/**
 * The lease from the environment: `OTCWATCH_RUN_LEASE_SECONDS` (default 30)
 * and `OTCWATCH_RESUME_MAX_AGE_HOURS` (default 24).
 */
export function runLeaseFromEnv(env: NodeJS.ProcessEnv): RunLease {
  const leaseMs = positive(env.OTCWATCH_RUN_LEASE_SECONDS, 30, 'OTCWATCH_RUN_LEASE_SECONDS') * 1000;
  const maxResumeAgeMs = positive(env.OTCWATCH_RESUME_MAX_AGE_HOURS, 24, 'OTCWATCH_RESUME_MAX_AGE_HOURS') * 3_600_000;
  return { leaseMs, heartbeatMs: Math.max(100, Math.floor(leaseMs / 3)), maxResumeAgeMs };
}

function archiveFromEnv(env: NodeJS.ProcessEnv): boolean {
  const value = (env.OTCWATCH_ARCHIVE ?? 'on').trim().toLowerCase();
  if (value !== 'on' && value !== 'off') throw new Error(`OTCWATCH_ARCHIVE must be on or off, got "${env.OTCWATCH_ARCHIVE}"`);
  return value === 'on';
}

function positive(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 1e6) throw new Error(`${name} must be a positive number (at most 1000000), got "${text}"`);
  return value;
}

export interface CrawlServicesOptions {
  dataDir: string;
  /** Keep a WARC archive per run. @default true, unless `OTCWATCH_ARCHIVE` is `off` */
  archive?: boolean;
  /** Run lease settings; from the environment by default (`runLeaseFromEnv`). */
  lease?: RunLease;
  userAgent?: string;
  /** Retry settings of both fetchers (tests shorten the backoff). */
  retry?: RetryOptions;
  timeoutMs?: number;
  /** Told of every exchange and fetch outcome of both fetchers (crawl-metrics.ts). */
  observer?: FetchObserver;
  /** Holds each host's gap across every process sharing the store: `storeHostSlots(store.db)`. */
  slots?: HostSlots;
  /** Browser fetcher settings: timeouts and pool (tests shorten the timeouts). */
  browser?: Pick<BrowserFetcherProps, 'navigationTimeoutMs' | 'readinessTimeoutMs' | 'pool'>;
}

export function createCrawlServices(options: CrawlServicesOptions): CrawlServices {
  const userAgent = options.userAgent ?? process.env.OTCWATCH_USER_AGENT ?? DEFAULT_USER_AGENT;
  const limiter = new HostLimiter(options.slots ? { slots: options.slots } : {});
  // robots.txt is read through this same fetcher, so it counts against the host's limit.
  const http = new HttpFetcher({
    limiter,
    userAgent,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  });
  // Imported with the first browser source: a process that crawls only over HTTP never loads playwright-core.
  let browser: Promise<BrowserFetcher> | undefined;
  return {
    limiter,
    http,
    userAgent,
    dataDir: options.dataDir,
    archive: options.archive ?? archiveFromEnv(process.env),
    owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    lease: options.lease ?? runLeaseFromEnv(process.env),
    async fetcherFor(kind) {
      if (kind === 'http') return http;
      // Throws BrowserNotFoundError (how to install one) when there is no browser; launches nothing yet.
      browser ??= import('../../crawler/fetch/browser-fetcher.ts').then(
        ({ BrowserFetcher }) =>
          new BrowserFetcher({
            limiter,
            robots: http.robots,
            userAgent,
            ...options.browser,
            ...(options.retry ? { retry: options.retry } : {}),
            ...(options.observer ? { observer: options.observer } : {}),
          }),
      );
      return browser;
    },
    async close() {
      await limiter.onIdle();
      await (await browser?.catch(() => undefined))?.close();
    },
  };
}
