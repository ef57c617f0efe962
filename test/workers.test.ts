import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { demoState } from '../scripts/demo/marketplace-state.ts';
import pg from 'pg';
import { cliRig } from './helpers/cli.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const BIN = path.resolve(import.meta.dirname, '../scripts/otcwatch.mjs');
const SEED = 42;
const PAGE_SIZE = 5;
const GAP_MS = 400; // Long enough that a run outlasts the polling that picks its victim.
// How late a request may reach the server after its claimed start: on a loaded 2-core machine, 60 ms was measured
// (a freshly started worker's robots.txt read), and 185 ms with a second test suite running beside this one.
// Half the gap still tells the shared gap apart: without it, requests arrive ~1 ms apart.
const ARRIVAL_LAG_MS = GAP_MS / 2;

interface Event {
  event: string;
  [key: string]: unknown;
}

/** A real `otcwatch worker` or `scheduler` child; its JSON lines parsed as they arrive. */
function startProcess(t: ExecutionContext, env: NodeJS.ProcessEnv, args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Event[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) events.push(JSON.parse(line) as Event);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, events, exited, stderr: () => stderr };
}

async function until(condition: () => boolean | Promise<boolean>, what: string | (() => Promise<string>), ms = 150_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : await what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits for a worker's 'started' line; one that exited first fails the wait at once, with what it printed. */
async function untilStarted(worker: ReturnType<typeof startProcess>, stateOfPlay: () => Promise<string>): Promise<void> {
  await until(
    () => worker.events.some((e) => e.event === 'started') || worker.child.exitCode !== null || worker.child.signalCode !== null,
    async () => `worker ${worker.child.pid} started; ${await stateOfPlay()}`,
  );
  if (!worker.events.some((e) => e.event === 'started')) {
    throw new Error(`worker ${worker.child.pid} exited (${worker.child.exitCode ?? worker.child.signalCode}) before it started: ${worker.stderr()}`);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Reads the workers' database directly: polling through the CLI would be slower than the crawls it watches. */
async function databaseReader(t: ExecutionContext, url: string): Promise<<T>(query: string) => Promise<T[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  t.teardown(() => client.end());
  return async <T>(query: string) => (await client.query(query)).rows as T[];
}

if (storeEngine === 'pglite') {
  test('otcwatch worker and scheduler need a shared PostgreSQL and say so in one line (pglite)', async (t) => {
    const { cli } = await cliRig(t);
    for (const command of ['worker', 'scheduler']) {
      const result = await cli(command);
      t.is(result.code, 1);
      t.is(result.stderr.trim(), `otcwatch: otcwatch ${command} needs a shared PostgreSQL database: set DATABASE_URL (on the embedded store, use: otcwatch run)`);
    }
  });
} else {
  test('3 workers and a scheduler on one Postgres, two sources on one host: kill -9 of the worker crawling, 5 times, and every run is finished by another, no page read twice, no duplicate observation, the stricter gap held, status and metrics true (postgres)', async (t) => {
    const [{ cli, env: baseEnv }, market] = await Promise.all([cliRig(t), startDemoMarketplace({ seed: SEED, pageSize: PAGE_SIZE })]);
    t.teardown(() => market.close());
    const sql = await databaseReader(t, baseEnv.DATABASE_URL!);
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      OTCWATCH_RUN_LEASE_SECONDS: '2',
      OTCWATCH_JOB_EXPIRE_SECONDS: '4',
      OTCWATCH_JOB_RETRY_DELAY_SECONDS: '1',
      OTCWATCH_QUEUE_MAINTENANCE_SECONDS: '1',
      OTCWATCH_QUEUE_POLL_SECONDS: '0.5',
    };
    t.is((await cli('sources', 'set', 'demo-html', '--base-url', market.url, '--min-gap-ms', String(GAP_MS), '--concurrency', '1')).code, 0);
    t.is((await cli('schedule', 'add', 'demo-html', '--every', '2s')).code, 0);
    // A second source on the same host, set laxer: the stricter gap must hold for both, across every worker.
    t.is((await cli('sources', 'set', 'demo-api', '--base-url', market.url, '--min-gap-ms', '0', '--concurrency', '4')).code, 0);
    t.is((await cli('schedule', 'add', 'demo-api', '--every', '3s')).code, 0);

    const workers = new Map<number, ReturnType<typeof startProcess>>();
    const addWorker = () => {
      const worker = startProcess(t, env, ['worker', '--concurrency', '1', '--grace', '5']);
      workers.set(worker.child.pid!, worker);
      return worker;
    };
    for (let i = 0; i < 3; i++) addWorker();
    const scheduler = startProcess(t, env, ['scheduler', '--poll', '1']);
    // What a stalled wait prints: the store's runs, pg-boss's jobs, and what each process last said.
    const stateOfPlay = async () =>
      `last runs: ${JSON.stringify(await sql(
        `select r.id, r.source_id, r.status, r.owner, r.error, (select count(*)::int from run_pages p where p.run_id = r.id) as pages from crawl_runs r order by r.id desc limit 6`,
      ))}; jobs: ${JSON.stringify(await sql(`select singleton_key, state, retry_count, start_after, output from pgboss.job order by created_on desc limit 6`))}; ` +
      `scheduler: ${JSON.stringify(scheduler.events.slice(-8))} ${scheduler.stderr().slice(-800)}; ` +
      `workers: ${[...workers.values()].map((w) => `${w.child.pid} ${JSON.stringify(w.events.slice(-6))} ${w.stderr().slice(-400)}`).join(' | ')}`;

    const pages = Math.ceil(demoState(SEED, 0).ads.length / PAGE_SIZE);
    const killedRuns: number[] = [];
    for (let kill = 0; kill < 5; kill++) {
      // A worker that has taken a job, and whose run has stored a random number of pages (1 to pages-2).
      const storedBeforeKill = 1 + Math.floor(Math.random() * (pages - 2));
      let victim: ChildProcess | undefined;
      let runId = 0;
      await until(async () => {
        const [live] = await sql<{ id: number; owner: string; pages: number }>(
          `select r.id, r.owner, (select count(*)::int from run_pages p where p.run_id = r.id) as pages from crawl_runs r where r.status = 'running' and r.source_id = 'demo-html'`,
        );
        if (!live || live.pages < storedBeforeKill) return false;
        const pid = Number(live.owner.split(':')[1]);
        victim = workers.get(pid)?.child;
        runId = live.id;
        return victim !== undefined;
      }, async () => `a live run with ${storedBeforeKill} pages; ${await stateOfPlay()}`);
      victim!.kill('SIGKILL');
      workers.delete(victim!.pid!);
      killedRuns.push(runId);
      addWorker();
      await until(async () => {
        const [row] = await sql<{ status: string }>(`select status from crawl_runs where id = ${runId}`);
        return row?.status !== 'running';
      }, `run #${runId} finished by another worker`);
    }

    // The worker added after the last kill may still be starting when another finishes the run: status names
    // only workers that have registered, so wait until each has said it started.
    for (const worker of workers.values()) await untilStarted(worker, stateOfPlay);
    const status = await cli('status', '--json');
    const live = JSON.parse(status.stdout) as { workers: { id: string }[]; queue: Record<string, number> };
    t.true([...workers.keys()].every((pid) => live.workers.some((w) => Number(w.id.split(':')[1]) === pid)), status.stdout);
    t.true((live.queue.completed ?? 0) > 0, status.stdout);

    // A worker with metrics: its page counter is the sum of its runs' pages.
    const metricsPort = await freePort();
    const measured = startProcess(t, env, ['worker', '--metrics-port', String(metricsPort)]);
    workers.set(measured.child.pid!, measured);
    // Whichever source it crawls first (four workers share two sources' jobs), its counters must follow its runs.
    let measuredSource = '';
    await until(() => {
      measuredSource = String(measured.events.find((e) => e.event === 'run')?.source ?? '');
      return measuredSource !== '';
    }, async () => `a run by the measured worker (pid ${measured.child.pid}); ${await stateOfPlay()}`);

    scheduler.child.kill('SIGTERM');
    await scheduler.exited;
    // Let the queued crawls drain, then stop the workers gracefully.
    await until(async () => (await sql<{ n: number }>(`select count(*)::int as n from crawl_runs where status = 'running'`))[0]!.n === 0, 'no live run');
    // A process killed before it installs its signal handlers dies of the signal; wait until each is up.
    for (const worker of workers.values()) await untilStarted(worker, stateOfPlay);
    // Its counters follow its runs: the page counter is the sum of the pages of the runs it logged.
    const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const loggedPages = () => measured.events.filter((e) => e.event === 'run' && e.source === measuredSource).reduce((n, e) => n + Number(e.pagesOk), 0);
    const counted = (text: string) => Number(new RegExp(`^otcwatch_pages_total\\{source="${measuredSource}",outcome="ok"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? -1);
    await until(async () => counted(await scrape()) === loggedPages(), 'the page counter to equal the logged runs', 30_000);
    const text = await scrape();
    t.true(loggedPages() > 0);
    t.regex(text, /^otcwatch_fetch_duration_seconds_count\{fetcher="http",host="127\.0\.0\.1:\d+"\} \d+$/m);
    t.regex(text, /^otcwatch_queue_jobs\{state="completed"\} \d+$/m);
    for (const worker of workers.values()) worker.child.kill('SIGTERM');
    for (const worker of workers.values()) t.deepEqual(await worker.exited, { code: 0, signal: null }, worker.stderr());

    const runs = await sql<{ id: number; status: string; resumed_count: number; pages_ok: number; listings_count: number }>(
      `select id, status, resumed_count, pages_ok, listings_count from crawl_runs where source_id = 'demo-html' order by id`,
    );
    for (const id of killedRuns) {
      t.like(runs.find((r) => r.id === id), { status: 'complete', pages_ok: pages, listings_count: demoState(SEED, 0).ads.length }, `run #${id}`);
      t.true(runs.find((r) => r.id === id)!.resumed_count >= 1);
    }
    t.true(runs.every((r) => r.status === 'complete'), JSON.stringify(runs));

    // The host's gap held across every worker and both sources (the stricter, demo-html's), for every request,
    // robots.txt reads among them: they take the host's slot like any page.
    const crawl = market.requestLog.entries.filter((e) => !e.control).sort((a, b) => a.hrAt - b.hrAt);
    t.true(crawl.some((e) => e.pathname === '/robots.txt'), 'robots.txt was read, and is in the check');
    const arrivals = crawl.map((e) => e.hrAt);
    const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]!);
    const close = gaps.flatMap((gap, i) => (gap < GAP_MS - ARRIVAL_LAG_MS ? [`${crawl[i]!.path} → ${crawl[i + 1]!.path}: ${gap.toFixed(1)} ms`] : []));
    // The gap is claimed when a request is about to go; its arrival at the server can lag by tens of ms on a loaded
    // machine. Without the shared gap, demo-api's requests (gap 0, concurrency 4) would arrive ~1 ms apart.
    t.true(Math.min(...gaps) >= GAP_MS - ARRIVAL_LAG_MS, `smallest gap ${Math.min(...gaps).toFixed(1)} ms over ${arrivals.length} requests; too close: ${close.join('; ')}`);
    const duplicates = await sql(`select run_id, listing_id from listing_observations group by 1, 2 having count(*) > 1`);
    t.deepEqual(duplicates, []);

    // Each killed worker lost at most the one page it was reading (concurrency 1); every other page of a run was fetched once.
    const fetched = market.requestLog.matching('/market').length;
    t.true(fetched <= runs.length * pages + killedRuns.length, `${fetched} page requests for ${runs.length} runs of ${pages} pages, ${killedRuns.length} kills`);
    t.true(fetched >= runs.length * pages);

  });
}
