import { spawn } from 'node:child_process';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { startDemoMarketplace, type DemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { demoState } from '../scripts/demo/marketplace-state.ts';
import { SourceBusyError } from '../scripts/jobs/crawl-job.ts';
import { cliRig, sqlRows, type Cli, type CliWithEnv } from './helpers/cli.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const BIN = path.resolve(import.meta.dirname, '../scripts/otcwatch.mjs');
const SEED = 42;
// Five ads a page: the demo's ~60 ads make a dozen pages, enough to die in the middle of.
const PAGE_SIZE = 5;

async function session(t: ExecutionContext, tick = 0): Promise<{ cli: Cli; cliWith: CliWithEnv; env: NodeJS.ProcessEnv; market: DemoMarketplace }> {
  const [{ cli, cliWith, env }, market] = await Promise.all([cliRig(t), startDemoMarketplace({ seed: SEED, tick, pageSize: PAGE_SIZE })]);
  t.teardown(() => market.close());
  const set = await cli('sources', 'set', 'demo-html', '--base-url', market.url, '--min-gap-ms', '0', '--concurrency', '1');
  t.is(set.code, 0, set.stderr);
  return { cli, cliWith, env, market };
}

/** Requests for each `/market` page, by page number. */
function pageRequests(market: DemoMarketplace): Map<number, number> {
  const counts = new Map<number, number>();
  for (const entry of market.requestLog.matching('/market')) {
    const page = Number(new URL(entry.path, 'http://x').searchParams.get('page') ?? 1);
    counts.set(page, (counts.get(page) ?? 0) + 1);
  }
  return counts;
}

test.serial(title('kill -9 after the 4th stored page: the next crawl resumes the same run, fetches none of those pages again, and stores every ad once'), async (t) => {
  const { cli, cliWith, market } = await session(t);
  // A short lease: the killed run's heartbeat goes stale (its process is gone) within 2 s.
  const lease = { OTCWATCH_RUN_LEASE_SECONDS: '2' };
  const killed = await cliWith({ ...lease, OTCWATCH_FAILPOINT: 'after-page:4' }, 'crawl', 'demo-html');
  t.is(killed.signal, 'SIGKILL', killed.stderr);
  const [live] = await sqlRows<{ id: number; status: string; pages: number; visible: number }>(
    cli,
    `select r.id, r.status, (select count(*)::int from run_pages p where p.run_id = r.id) as pages,
            (select count(*)::int from v_listing_history) + (select count(*)::int from v_operator_payment_timeline) as visible
       from crawl_runs r where source_id = 'demo-html'`,
  );
  // Its stored listings stay out of the views until the run is closed. Pages that arrive while one
  // commits go in the next transaction, so the 4th commit may have held a page more than the 4th.
  t.like(live, { status: 'running', visible: 0 });
  const stored = live!.pages;
  t.true(stored >= 4 && stored <= 5, `${stored} pages stored`);
  // Each page's next page is fetched while it commits, so the killed process may have read pages past its
  // last commit (as many as a commit takes to write: 1–3 seen): those were never stored, and are all the
  // resumed run may fetch again.
  const beforeKill = pageRequests(market);
  const readUncommitted = [...beforeKill.keys()].filter((page) => page > stored);
  t.true([...beforeKill.values()].every((n) => n === 1), JSON.stringify([...beforeKill]));
  t.deepEqual([...beforeKill.keys()].sort((a, b) => a - b), Array.from({ length: stored + readUncommitted.length }, (_, i) => i + 1));
  const pages = Math.ceil(demoState(SEED, 0).ads.length / PAGE_SIZE);
  t.true(stored + readUncommitted.length < pages, `the killed process read every page (${stored} stored, ${readUncommitted} read past the last commit)`);

  await new Promise((resolve) => setTimeout(resolve, 2500));
  const resumed = await cliWith(lease, 'crawl', 'demo-html');
  t.is(resumed.code, 0, resumed.stderr);
  t.regex(resumed.stdout, new RegExp(`run #${live!.id} demo-html: complete \\(resumed: ${stored} pages`));
  // The resumed run continued the killed process's archive: one file, and every record of it verifies.
  const verified = await cli('evidence', 'verify', '--run', String(live!.id));
  t.is(verified.code, 0, verified.stdout + verified.stderr);
  t.deepEqual(await sqlRows(cli, `select distinct warc_file from evidence_records where run_id = ${live!.id}`), [{ warc_file: `warc/demo-html/run-${live!.id}.warc.gz` }]);

  const ads = demoState(SEED, 0).ads;
  const requests = pageRequests(market);
  t.is(requests.size, pages);
  t.true([...requests].every(([page, n]) => n === (readUncommitted.includes(page) ? 2 : 1)), JSON.stringify([...requests]));

  const runs = await sqlRows<{ id: number; status: string; pages_ok: number; listings_count: number }>(
    cli,
    `select id, status, pages_ok, listings_count from crawl_runs where source_id = 'demo-html'`,
  );
  t.deepEqual(runs, [{ id: live!.id, status: 'complete', pages_ok: pages, listings_count: ads.length }]);
  const observed = await sqlRows<{ listing_key: string; n: number }>(
    cli,
    `select l.platform_key as listing_key, count(*)::int as n from listing_observations o join listings l on l.id = o.listing_id group by 1 order by 1`,
  );
  t.deepEqual(observed, ads.map((ad) => ({ listing_key: ad.adId, n: 1 })).sort((a, b) => a.listing_key.localeCompare(b.listing_key)));
});

/** The first tick k at which a seller present at k−1 and k starts taking Alipay. */
function firstAlipayGain(seed: number): { tick: number; sellerId: string } {
  const takesAlipay = (tick: number) => new Map(demoState(seed, tick).ads.map((ad) => [ad.sellerId, ad.payMethods.includes('ALIPAY')]));
  for (let tick = 1; tick < 50; tick += 1) {
    const [before, at] = [takesAlipay(tick - 1), takesAlipay(tick)];
    const seller = [...at].find(([id, has]) => has && before.get(id) === false);
    if (seller) return { tick, sellerId: seller[0] };
  }
  throw new Error(`seed ${seed}: no seller adds Alipay in 50 ticks`);
}

test.serial(title('kill -9 between a run\'s close and its alert pass: the next crawl alerts the change, exactly once, at the killed run'), async (t) => {
  const { tick, sellerId } = firstAlipayGain(SEED);
  const { cli, cliWith, market } = await session(t, tick - 1);
  t.is((await cli('crawl', 'demo-html')).code, 0);
  market.setTick(tick);
  const killed = await cliWith({ OTCWATCH_FAILPOINT: 'after-close' }, 'crawl', 'demo-html');
  t.is(killed.signal, 'SIGKILL', killed.stderr);
  const [closed] = await sqlRows<{ id: number; status: string; analysed: boolean; alerts: number }>(
    cli,
    `select id, status, analysed_at is not null as analysed, (select count(*)::int from alerts a where a.run_id = r.id) as alerts
       from crawl_runs r where source_id = 'demo-html' order by id desc limit 1`,
  );
  t.like(closed, { status: 'complete', analysed: false, alerts: 0 });

  for (let i = 0; i < 2; i++) t.is((await cli('crawl', 'demo-html')).code, 0);
  const alerts = await sqlRows<{ run_id: number }>(
    cli,
    `select a.run_id from alerts a join operators o on o.id = a.operator_id
      where a.kind = 'new_domestic_payment_method' and o.platform_key = 'id:${sellerId}' and a.dedup_key like '%:alipay:baseline:%'`,
  );
  t.deepEqual(alerts, [{ run_id: closed!.id }]);
  const pending = await sqlRows<{ n: number }>(cli, `select count(*)::int as n from crawl_runs where status <> 'running' and analysed_at is null`);
  t.deepEqual(pending, [{ n: 0 }]);
});

test.serial(title('one live run per source: a second crawl of a source being crawled is refused with a plain line, and no status goes backwards'), async (t) => {
  const rig = await demoCrawlRig(t, { seed: SEED, pageSize: PAGE_SIZE });
  await rig.source('demo-html', { minGapMs: 150, concurrency: 1 });
  const first = rig.crawl('demo-html');
  // The first crawl holds the run from its claim on; wait until its first page is stored.
  while (!(await rig.store.db.selectFrom('run_pages').select('run_id').executeTakeFirst())) await new Promise((r) => setTimeout(r, 20));
  const second = await t.throwsAsync(rig.crawl('demo-html'), { instanceOf: SourceBusyError });
  t.regex(second!.message, /^demo-html is being crawled by run #\d+/);
  const result = await first;
  t.is(result.status, 'complete');
  const runs = await rig.store.db.selectFrom('crawl_runs').select(['id', 'status']).execute();
  t.deepEqual(runs, [{ id: result.runId, status: 'complete' }]);

  await t.throwsAsync(rig.store.db.updateTable('crawl_runs').set({ status: 'running' }).where('id', '=', result.runId).execute(), { message: /cannot become running/ });
  await t.throwsAsync(rig.store.db.updateTable('crawl_runs').set({ status: 'failed' }).where('id', '=', result.runId).execute(), { message: /cannot become failed/ });
  await t.throwsAsync(rig.store.db.insertInto('crawl_runs').values([
    { source_id: 'demo-html', status: 'running', started_at: new Date() },
    { source_id: 'demo-html', status: 'running', started_at: new Date() },
  ]).execute(), { message: /crawl_runs_one_live_per_source/ });
});

test.serial(title('a run abandoned longer than the resume age is closed as failed and a new run starts'), async (t) => {
  const rig = await demoCrawlRig(t, { seed: SEED, pageSize: PAGE_SIZE }, { lease: { leaseMs: 1000, heartbeatMs: 300, maxResumeAgeMs: 60_000 } });
  await rig.source('demo-html');
  const old = await rig.store.db
    .insertInto('crawl_runs')
    .values({ source_id: 'demo-html', status: 'running', started_at: new Date(Date.now() - 3_600_000), owner: 'gone:1:x', heartbeat_at: new Date(Date.now() - 3_600_000) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const result = await rig.crawl('demo-html');
  t.is(result.status, 'complete');
  t.false(result.resumed);
  const oldRow = await rig.store.db.selectFrom('crawl_runs').selectAll().where('id', '=', old.id).executeTakeFirstOrThrow();
  t.is(oldRow.status, 'failed');
  t.regex(oldRow.error ?? '', /^abandoned/);
});

test.serial(title('otcwatch crawl beside a crawl of the same source in another process says plainly that it is being crawled'), async (t) => {
  const { cli, env, market } = await session(t);
  const busy = spawnCrawl(env, market, t);
  await busy.started;
  const second = await cli('crawl', 'demo-html');
  t.is(second.code, 1);
  t.is(second.stderr.trim().split('\n').length, 1, second.stderr);
  // On Postgres the database refuses the second run; the embedded store is held by one process at a time.
  t.regex(second.stderr, storeEngine === 'postgres' ? /^otcwatch: demo-html is being crawled by run #\d+/ : /^otcwatch: .*(lock|in use|held)/i);
  t.is((await busy.exited).code, 0);
  const runs = await sqlRows<{ status: string }>(cli, `select status from crawl_runs where source_id = 'demo-html'`);
  t.deepEqual(runs, [{ status: 'complete' }]);
});

/** A slow crawl of demo-html in a child process (each page held back 1.5 s); `started` once its first page is served. */
function spawnCrawl(env: NodeJS.ProcessEnv, market: DemoMarketplace, t: ExecutionContext) {
  market.faults.inject({ path: '/market', kind: 'slow', delayMs: 1500 });
  const child = spawn(process.execPath, [BIN, 'crawl', 'demo-html'], { env, stdio: 'ignore' });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const exited = new Promise<{ code: number | null }>((resolve) => child.once('exit', (code) => resolve({ code })));
  const started = (async () => {
    while (market.requestLog.matching('/market').filter((e) => e.doneHrAt !== undefined).length < 2) await new Promise((r) => setTimeout(r, 20));
  })();
  return { exited, started };
}
