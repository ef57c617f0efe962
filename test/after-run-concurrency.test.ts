import test from 'ava';
import { afterRun } from '../scripts/jobs/after-run.ts';
import { withSourceAnalysisLock } from '../store/analysis-lock.ts';
import { openStore, type Store } from '../store/connection.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

test(title('passes analysing the same runs at once each finish, and the alerts are raised once'), async (t) => {
  const rig = await demoCrawlRig(t, { seed: 42, ads: 3000, pageSize: 50 });
  await rig.source('demo-api');
  const runs: number[] = [];
  for (let tick = 0; tick < 3; tick += 1) {
    rig.market.setTick(tick);
    runs.push((await rig.crawl('demo-api')).runId);
  }
  // What one pass raises, alone: the reference.
  const single = await afterRun(rig.store, { sourceId: 'demo-api', runId: runs.at(-1)! });
  const alerts = await alertKeys(rig.store);
  t.true(alerts.length > 0 && single.scores.scored > 0);

  // Four passes finish runs of the source at once: on Postgres from four processes' pools (a worker that closed the run,
  // a worker that starts and analyses what is pending, `otcwatch run`…); on PGlite in its one process. None may fail on
  // another's locks, and nothing is raised twice.
  const others: Store[] =
    storeEngine === 'postgres' ? await Promise.all([1, 2, 3].map(() => openStore({ databaseUrl: rig.store.location, poolSize: 4 }))) : [rig.store, rig.store, rig.store];
  if (storeEngine === 'postgres') t.teardown(() => Promise.all(others.map((s) => s.close())));
  await rig.store.db.updateTable('crawl_runs').set({ analysed_at: null }).where('id', 'in', runs).execute();
  await rig.store.db.deleteFrom('alerts').execute();
  const passes = await Promise.allSettled([rig.store, ...others].map((store, i) => afterRun(store, { sourceId: 'demo-api', runId: runs[i % runs.length]! })));
  t.deepEqual(passes.filter((p) => p.status === 'rejected').map((p) => String((p as PromiseRejectedResult).reason)), []);
  t.deepEqual(await alertKeys(rig.store), alerts);
  const analysed = await rig.store.db.selectFrom('crawl_runs').select('id').where('id', 'in', runs).where('analysed_at', 'is not', null).execute();
  t.is(analysed.length, runs.length);
});

// PGlite is one process's store: processes waiting on each other's passes exist on Postgres only.
if (storeEngine === 'postgres') {
  test('a pass waits while another process analyses its source, and one of another source does not (postgres)', async (t) => {
    const rig = await demoCrawlRig(t, { seed: 42 });
    await rig.source('demo-api');
    await rig.source('demo-html');
    const apiRun = (await rig.crawl('demo-api')).runId;
    const htmlRun = (await rig.crawl('demo-html')).runId;
    const other = await openStore({ databaseUrl: rig.store.location, poolSize: 2 });
    t.teardown(() => other.close());
    let release!: () => void;
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const holder = withSourceAnalysisLock(other, 'demo-api', () => {
      held();
      return new Promise<void>((resolve) => (release = resolve));
    });
    await holding;
    const analysedAt = async (id: number) => (await rig.store.db.selectFrom('crawl_runs').select('analysed_at').where('id', '=', id).executeTakeFirstOrThrow()).analysed_at;
    const blocked = afterRun(rig.store, { sourceId: 'demo-api', runId: apiRun });
    await afterRun(rig.store, { sourceId: 'demo-html', runId: htmlRun });
    t.not(await analysedAt(htmlRun), null);
    t.is(await analysedAt(apiRun), null, 'demo-api was analysed while another process held its lock');
    release();
    await holder;
    await blocked;
    t.not(await analysedAt(apiRun), null);
  });
}

async function alertKeys(store: Store): Promise<string[]> {
  return (await store.db.selectFrom('alerts').select('dedup_key').orderBy('dedup_key').execute()).map((r) => r.dedup_key);
}
