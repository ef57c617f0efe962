import test from 'ava';
import { sql } from 'kysely';
import type { Store } from '../store/connection.ts';
import { addSchedule } from '../store/schedules.ts';
import { afterRun } from '../scripts/jobs/after-run.ts';
import type { CrawlServices } from '../scripts/jobs/crawl-services.ts';
import { Scheduler, type SchedulerEvent, type SchedulerProps } from '../scripts/jobs/scheduler.ts';
import { demoCrawlRig, type DemoCrawlRig } from './helpers/demo-crawl.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

/** A scheduler over the rig's store, recording its events; `run()` already started. */
function startScheduler(rig: DemoCrawlRig, props: Partial<SchedulerProps> = {}) {
  const events: SchedulerEvent[] = [];
  const scheduler = new Scheduler({ store: rig.store, services: rig.services, afterRun: async () => {}, log: (e) => events.push(e), pollMs: 100, ...props });
  const done = scheduler.run();
  const of = (event: string) => events.filter((e) => e.event === event);
  return { scheduler, events, done, of };
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the scheduler');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function runsOf(store: Store) {
  return store.db.selectFrom('crawl_runs').selectAll().where('source_id', '=', 'demo-api').orderBy('id').execute();
}

test(title('occurrences missed while nothing ran fire once on start, not as a burst, and afterRun follows'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-api');
  const schedule = await addSchedule(rig.store.db, { sourceId: 'demo-api', cron: '0 0 1 1 *' });
  // Five New Years passed since the schedule was last owed.
  await sql`update schedules set due_after = now() - interval '5 years' where id = ${schedule.id}`.execute(rig.store.db);
  const afterRuns: number[] = [];
  const s = startScheduler(rig, {
    afterRun: async (store, run) => {
      afterRuns.push(run.runId);
      await afterRun(store, run);
    },
  });
  await until(() => afterRuns.length === 1 && s.of('run').length === 1);
  await new Promise((resolve) => setTimeout(resolve, 500));
  s.scheduler.stop('test');
  t.true(await s.done);

  t.is(s.of('fire').length, 1);
  t.like(s.of('fire')[0], { schedule: schedule.id, source: 'demo-api', missed: true });
  const runs = await runsOf(rig.store);
  t.deepEqual(runs.map((r) => r.status), ['complete']);
  t.like(s.of('run')[0], { run: runs[0]!.id, status: 'complete' });
  t.deepEqual(afterRuns, [runs[0]!.id]);
  const scored = await rig.store.db.selectFrom('operator_scores').select(sql<number>`count(*)::int`.as('n')).where('run_id', '=', runs[0]!.id).executeTakeFirstOrThrow();
  t.true(Number(scored.n) > 30, 'afterRun scored the operators the run saw');
  const row = await rig.store.db.selectFrom('schedules').selectAll().where('id', '=', schedule.id).executeTakeFirstOrThrow();
  t.is(row.last_run_id, runs[0]!.id);
  t.true(Date.now() - row.due_after.getTime() < 60_000, 'the missed occurrences are settled');
  t.deepEqual(s.of('stopped'), [{ event: 'stopped', clean: true }]);
});

test(title('a source is never crawled twice at once: occurrences due while it is busy are skipped'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-api');
  rig.market.faults.inject({ path: '/api/v1/ads', query: { page: '1' }, kind: 'slow', delayMs: 2500, times: 1 });
  await addSchedule(rig.store.db, { sourceId: 'demo-api', cron: '* * * * * *' });
  // A long poll: the scheduler must wake for each occurrence, not for the poll.
  const s = startScheduler(rig, { pollMs: 60_000 });
  await until(() => s.of('run').length >= 2);
  s.scheduler.stop('test');
  t.true(await s.done);

  t.true(s.of('skipped').length >= 1);
  t.like(s.of('skipped')[0], { source: 'demo-api', reason: 'the source is still being crawled' });
  const runs = await runsOf(rig.store);
  t.true(runs.length >= 2);
  t.true(runs.every((r) => r.status === 'complete'));
  for (let i = 1; i < runs.length; i += 1) t.true(runs[i]!.started_at >= runs[i - 1]!.finished_at!, 'runs of one source never overlap');
});

test(title('stop lets the crawl in flight finish within the grace period, then aborts it: stored as cancelled, never left running'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-api');
  rig.market.faults.inject({ path: '/api/v1/ads', query: { page: '2' }, kind: 'slow', delayMs: 1500 });
  rig.market.advance(); // 55+ ads: two pages of 50
  await addSchedule(rig.store.db, { sourceId: 'demo-api', cron: '* * * * * *' });
  const s = startScheduler(rig, { graceMs: 200 });
  await until(() => rig.market.requestLog.entries.some((r) => r.path.includes('page=2')));
  s.scheduler.stop('SIGTERM');
  t.true(await s.done);

  t.deepEqual(s.of('aborting').map((e) => e.reason), ['grace period of 200 ms over']);
  const runs = await runsOf(rig.store);
  t.is(runs.length, 1);
  t.is(runs[0]!.status, 'cancelled');
  t.regex(runs[0]!.error ?? '', /cancelled/);
  t.like(s.of('run')[0], { run: runs[0]!.id, status: 'cancelled' });
});

test(title('a crawl that outlives the abort wait has its run marked failed before the scheduler returns'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-api');
  rig.market.faults.inject({ path: '/api/v1/ads', kind: 'slow', delayMs: 3000, times: 1 });
  await addSchedule(rig.store.db, { sourceId: 'demo-api', cron: '* * * * * *' });
  // The shipped fetchers end at once on abort; one that does not honour the signal is what outlives it.
  const services: CrawlServices = {
    ...rig.services,
    fetcherFor: async (kind) => {
      const fetcher = await rig.services.fetcherFor(kind);
      return { fetch: (request, { signal: _ignored, ...options } = {}) => fetcher.fetch(request, options) };
    },
  };
  const s = startScheduler(rig, { graceMs: 100, abortWaitMs: 300, services });
  await until(() => s.of('fire').length === 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  s.scheduler.stop('SIGTERM');
  t.false(await s.done);

  t.like(s.of('abandoned')[0], { source: 'demo-api', runsMarkedFailed: 1 });
  const [run] = await runsOf(rig.store);
  t.is(run!.status, 'failed');
  t.regex(run!.error ?? '', /abandoned/);
  await until(() => s.of('run').length === 1); // the late crawl ends before the store closes
});
