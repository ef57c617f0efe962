import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { getAdapter } from '../../crawler/sources/index.ts';
import { openMigratedStore } from '../../store/open-migrated-store.ts';
import { upsertSource } from '../../store/sources.ts';
import { startDemoMarketplace, type DemoMarketplace } from '../demo/marketplace-server.ts';
import { adapterSourceRegistration } from '../jobs/builtin-sources.ts';
import { crawlQueueSettingsFromEnv, enqueueCrawl, openCrawlQueue } from '../jobs/crawl-queue.ts';
import { repoPath } from './repo-path.ts';

const BIN = repoPath('scripts/otcwatch.mjs');
const SOURCES = 8;
const REPEATS = 3;

/**
 * Scale-out throughput: 8 sources on one large demo marketplace (rate
 * limits off), crawled by 1, 2 and 4 `otcwatch worker` processes on one
 * Postgres; pages/s from the first enqueue to the last run closed (median
 * of 3), then the per-host gap the marketplace measured with limits on,
 * two sources on one host set differently (the stricter must hold).
 * Needs PostgreSQL: DATABASE_URL names the server (default 127.0.0.1:5432).
 */
export async function run(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const market = await startDemoMarketplace({ seed: 42, tick: 200, pageSize: 5 });
  try {
    const pagesPerCrawl = Math.ceil(market.state().ads.length / 5);
    console.log(`command: npm run bench workers   (${SOURCES} demo-html sources × ${pagesPerCrawl} pages, ${market.state().ads.length} ads; rate limits off; median of ${REPEATS})`);
    const rates: Record<number, number> = {};
    for (const workers of [1, 2, 4]) {
      const samples: CrawlSample[] = [];
      for (let i = 0; i < REPEATS; i++) samples.push(await crawlWithWorkers(serverUrl, market, workers, { minGapMs: 0, concurrency: 8 }));
      rates[workers] = median(samples.map((s) => s.pagesPerSecond));
      const cpuMs = median(samples.map((s) => s.workerCpuMsPerPage));
      console.log(
        `${workers} worker(s): ${rates[workers]!.toFixed(1)} pages/s  (runs: ${samples.map((s) => s.pagesPerSecond.toFixed(1)).join(', ')}); ` +
          `worker CPU ${cpuMs.toFixed(1)} ms a page, so one core of workers sustains ~${(1000 / cpuMs).toFixed(0)} pages/s`,
      );
    }
    console.log(`scaling: 2 workers ${(rates[2]! / rates[1]!).toFixed(2)}×, 4 workers ${(rates[4]! / rates[1]!).toFixed(2)}× of 1 worker, on ${availableParallelism()} cores shared with Postgres and the marketplace`);

    const before = market.requestLog.entries.length;
    await crawlWithWorkers(serverUrl, market, 2, { minGapMs: 300, concurrency: 1 }, { minGapMs: 100, concurrency: 2 }, 2);
    const arrivals = market.requestLog.entries.slice(before).filter((e) => !e.control).map((e) => e.hrAt).sort((a, b) => a - b);
    const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]!);
    console.log(
      `limits on (two sources on one host: minGapMs 300 and 100, 2 workers): ${arrivals.length} requests, ` +
        `gap between requests min ${Math.min(...gaps).toFixed(1)} ms, median ${median(gaps).toFixed(1)} ms (the stricter 300 ms is held between claimed starts; arrivals at the server jitter by a few ms)`,
    );
  } finally {
    await market.close();
  }
}

interface CrawlSample {
  pagesPerSecond: number;
  /** The worker processes' user + system CPU time, per page: what a core of workers must spend. */
  workerCpuMsPerPage: number;
}

/** User + system CPU ms a process has used so far (Linux /proc; NaN elsewhere). */
async function cpuMsOf(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '').split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command; in clock ticks (100 a second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** A fresh database, `workers` worker processes, the sources' crawls enqueued; pages/s until all runs closed. */
async function crawlWithWorkers(
  serverUrl: string,
  market: DemoMarketplace,
  workers: number,
  politeness: { minGapMs: number; concurrency: number },
  otherPoliteness = politeness,
  sources = SOURCES,
): Promise<CrawlSample> {
  const name = `otcwatch_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'otcwatch-bench-'));
  const env = { ...process.env, DATABASE_URL: url.toString(), OTCWATCH_DATA: dataDir, OTCWATCH_QUEUE_POLL_SECONDS: '0.5' };
  const store = await openMigratedStore({ databaseUrl: env.DATABASE_URL });
  const children: ChildProcess[] = [];
  try {
    const ids = Array.from({ length: sources }, (_, i) => `bench-html-${i + 1}`);
    for (const [i, id] of ids.entries()) {
      await upsertSource(store.db, {
        ...adapterSourceRegistration(getAdapter('demo-html'), { baseUrl: market.url, politeness: i % 2 === 0 ? politeness : otherPoliteness }),
        id,
      });
    }
    const boss = await openCrawlQueue(env.DATABASE_URL, crawlQueueSettingsFromEnv(env), { supervise: false });
    const started: Promise<void>[] = [];
    for (let i = 0; i < workers; i++) {
      const child = spawn(process.execPath, [BIN, 'worker', '--concurrency', String(Math.ceil(sources / workers))], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      started.push(new Promise((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('"event":"started"') && resolve())));
    }
    await Promise.all(started);
    const cpuBefore = await Promise.all(children.map((c) => cpuMsOf(c.pid!)));
    const t0 = performance.now();
    for (const sourceId of ids) await enqueueCrawl(boss, { sourceId });
    let pages = 0;
    for (;;) {
      const row = await store.db
        .selectFrom('crawl_runs')
        .select((eb) => [eb.fn.countAll<number>().as('closed'), eb.fn.sum<number>('pages_ok').as('pages')])
        .where('status', '<>', 'running')
        .executeTakeFirstOrThrow();
      if (Number(row.closed) >= sources) {
        pages = Number(row.pages);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpuAfter = await Promise.all(children.map((c) => cpuMsOf(c.pid!)));
    await boss.stop({ graceful: false, wait: true });
    const cpuMs = cpuAfter.reduce((sum, ms, i) => sum + ms - cpuBefore[i]!, 0);
    return { pagesPerSecond: pages / seconds, workerCpuMsPerPage: cpuMs / pages };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))));
    await store.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
