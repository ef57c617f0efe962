import test from 'ava';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { demoState } from '../scripts/demo/marketplace-state.ts';
import { Rng } from '../scripts/demo/prng.ts';
import { cliRig, sqlRows, type Cli } from './helpers/cli.ts';
import { storeEngine } from './helpers/test-store.ts';

const SEED = 42;
const PAGE_SIZE = 5;
const TRIALS = 10;
// Kill points drawn from this seed; a failure names it so the same moments can be replayed.
const CRASH_SEED = Number(process.env.OTCWATCH_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
// A lease this short lets the next command take the killed run over after a moment's wait.
const LEASE = { OTCWATCH_RUN_LEASE_SECONDS: '1' };
const DIFF_ALERT_KINDS = ['new_domestic_payment_method', 'operator_vanished', 'price_move', 'volume_move'];

/** The change alerts a store raised, as comparable text: their run and operator ids differ between stores. */
async function diffAlerts(cli: Cli): Promise<string[]> {
  const rows = await sqlRows<{ kind: string; subject: string }>(cli, `select kind, subject from alerts where kind in (${DIFF_ALERT_KINDS.map((k) => `'${k}'`).join(', ')})`);
  return rows.map((r) => `${r.kind}: ${r.subject}`).sort();
}

type Trial = { kind: 'after-close' } | { kind: 'after-page'; page: number } | { kind: 'at'; ms: number };

function describe(trial: Trial): string {
  if (trial.kind === 'after-close') return 'just after the run was stored and closed';
  if (trial.kind === 'after-page') return `after stored page ${trial.page}`;
  return `${trial.ms} ms after start`;
}

test(`crash: kill -9 of a crawl at ${TRIALS} moments (random times, after a stored page, just after the run is stored): each next crawl resumes or closes the run, no observation is doubled or half-written, and every change alert of an uncrashed twin is raised (${storeEngine})`, async (t) => {
  t.timeout(600_000);
  const ads = (tick: number) => demoState(SEED, tick).ads;
  const pages = (tick: number) => Math.ceil(ads(tick).length / PAGE_SIZE);
  const [crashed, twin, market, twinMarket] = await Promise.all([
    cliRig(t),
    cliRig(t),
    startDemoMarketplace({ seed: SEED, pageSize: PAGE_SIZE }),
    startDemoMarketplace({ seed: SEED, pageSize: PAGE_SIZE }),
  ]);
  t.teardown(() => Promise.all([market.close(), twinMarket.close()]));
  // A 50 ms gap spreads a crawl's pages over about a second, so a random moment can fall among them.
  for (const [rig, at] of [[crashed, market.url], [twin, twinMarket.url]] as const) {
    const set = await rig.cli('sources', 'set', 'demo-html', '--base-url', at, '--min-gap-ms', '50', '--concurrency', '1');
    t.is(set.code, 0, set.stderr);
  }

  // The twin crawls every tick once, never killed: the alerts it raises are the ones that must not be lost.
  const twinCrawls = (async () => {
    for (let tick = 0; tick <= TRIALS; tick++) {
      twinMarket.setTick(tick);
      const crawl = await twin.cli('crawl', 'demo-html');
      if (crawl.code !== 0) throw new Error(`twin crawl at tick ${tick}: ${crawl.stderr}`);
    }
  })();

  const started = performance.now();
  const baseline = await crashed.cli('crawl', 'demo-html');
  t.is(baseline.code, 0, baseline.stderr);
  const crawlMs = performance.now() - started;

  const rng = new Rng(CRASH_SEED);
  const plan: Trial[] = Array.from({ length: TRIALS }, (_, i) =>
    i % 5 === 0 ? { kind: 'after-close' } : i % 5 === 2 ? { kind: 'after-page', page: rng.int(1, pages(i + 1) - 1) } : { kind: 'at', ms: rng.int(100, Math.max(200, Math.floor(crawlMs * 0.8))) },
  );
  const replay = `OTCWATCH_CRASH_SEED=${CRASH_SEED}`;
  t.log(`${replay}; an uncrashed crawl took ${crawlMs.toFixed(0)} ms; trials: ${plan.map(describe).join('; ')}`);

  let lastRunId = (await sqlRows<{ id: number }>(crashed.cli, `select max(id) as id from crawl_runs`))[0]!.id;
  let killed = 0;
  for (const [i, trial] of plan.entries()) {
    const tick = i + 1;
    const at = `trial ${i + 1} (${describe(trial)}, tick ${tick}, ${replay})`;
    market.setTick(tick);
    // A random moment can fall after a crawl that ran faster than the first: that crawl ends well, and the
    // moment is halved and tried again on the same tick (more runs of one tick change nothing the checks see).
    for (let ms = trial.kind === 'at' ? trial.ms : 0; ; ms = Math.floor(ms / 2)) {
      const crash =
        trial.kind === 'at'
          ? await crashed.cliKilledAfter(ms, LEASE, 'crawl', 'demo-html')
          : await crashed.cliWith({ ...LEASE, OTCWATCH_FAILPOINT: trial.kind === 'after-close' ? 'after-close' : `after-page:${trial.page}` }, 'crawl', 'demo-html');
      if (crash.signal === 'SIGKILL') {
        killed += 1;
        break;
      }
      t.is(crash.code, 0, `${at}: a crawl not killed ends well: ${crash.stderr}`);
      if (trial.kind !== 'at' || ms < 50) break;
    }
    // The killed run's lease runs out; then the next command starts and deals with it.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const next = await crashed.cliWith(LEASE, 'crawl', 'demo-html');
    t.is(next.code, 0, `${at}: the next crawl starts and ends well: ${next.stderr}`);

    const runs = await sqlRows<{ id: number; status: string; analysed: boolean; pages_ok: number; listings_count: number; observations: number; journalled: number }>(
      crashed.cli,
      `select r.id, r.status, r.analysed_at is not null as analysed, r.pages_ok, r.listings_count,
              (select count(*)::int from listing_observations o where o.run_id = r.id) as observations,
              (select count(*)::int from run_pages p where p.run_id = r.id) as journalled
         from crawl_runs r where r.id > ${lastRunId} order by r.id`,
    );
    t.true(runs.length >= 1, `${at}: a run`);
    for (const run of runs) {
      // Resumed or new, each run of this tick ends complete with every ad of the tick, each stored once.
      t.deepEqual(
        { status: run.status, analysed: run.analysed, pages_ok: run.pages_ok, listings_count: run.listings_count, observations: run.observations, journalled: run.journalled },
        { status: 'complete', analysed: true, pages_ok: pages(tick), listings_count: ads(tick).length, observations: ads(tick).length, journalled: pages(tick) },
        `${at}: run #${run.id}`,
      );
    }
    lastRunId = runs.at(-1)!.id;
  }
  t.is(killed, TRIALS, `every trial killed its crawl (${replay})`);

  const duplicates = await sqlRows(crashed.cli, `select run_id, listing_id, count(*)::int as n from listing_observations group by 1, 2 having count(*) > 1`);
  t.deepEqual(duplicates, [], replay);
  const stillOpen = await sqlRows(crashed.cli, `select id, status from crawl_runs where status = 'running' or analysed_at is null`);
  t.deepEqual(stillOpen, [], replay);

  await twinCrawls;
  const expected = await diffAlerts(twin.cli);
  t.true(expected.length > 0, 'the ticks change the market: the twin raised change alerts');
  t.deepEqual(await diffAlerts(crashed.cli), expected, `no change alert lost or doubled (${replay})`);
  const [counted] = await sqlRows<{ resumed: number }>(crashed.cli, `select count(*)::int as resumed from crawl_runs where resumed_count > 0`);
  t.log(`${killed} kill -9 trials survived, ${counted!.resumed} runs resumed from their stored pages; ${expected.length} change alerts raised by both stores`);
});
