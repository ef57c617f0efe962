import test from 'ava';
import { sql } from 'kysely';
import { addSchedule, claimOccurrence, listSchedules, removeSchedule, setScheduleEnabled } from '../store/schedules.ts';
import { upsertSource } from '../store/sources.ts';
import { cronOf, everyToCron, nextOccurrence } from '../scripts/jobs/schedule-timing.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

test('--every is shorthand for a clock-aligned cron pattern', (t) => {
  t.is(everyToCron('15m'), '*/15 * * * *');
  t.is(everyToCron('1m'), '* * * * *');
  t.is(everyToCron('30s'), '*/30 * * * * *');
  t.is(everyToCron('2h'), '0 */2 * * *');
  t.is(everyToCron('1d'), '0 0 * * *');
  t.throws(() => everyToCron('7m'), { message: /7 does not divide 60.*--cron/ });
  t.throws(() => everyToCron('2d'), { message: /only 1d/ });
  t.throws(() => everyToCron('soon'), { message: /--every must look like 30s, 15m, 2h or 1d/ });
});

test('occurrences come from croner, in the schedule\'s time zone, strictly after due_after', (t) => {
  const at = (iso: string) => new Date(iso);
  t.deepEqual(nextOccurrence({ cron: '*/15 * * * *', timezone: 'UTC', due_after: at('2024-01-01T10:00:07Z') }), at('2024-01-01T10:15:00Z'));
  t.deepEqual(nextOccurrence({ cron: '*/15 * * * *', timezone: 'UTC', due_after: at('2024-01-01T10:15:00Z') }), at('2024-01-01T10:30:00Z'));
  t.deepEqual(nextOccurrence({ cron: '*/2 * * * * *', timezone: 'UTC', due_after: at('2024-01-01T10:00:02.005Z') }), at('2024-01-01T10:00:04Z'));
  // 09:00 in Shanghai is 01:00 UTC.
  t.deepEqual(nextOccurrence({ cron: '0 9 * * *', timezone: 'Asia/Shanghai', due_after: at('2024-01-01T00:00:00Z') }), at('2024-01-01T01:00:00Z'));
  t.throws(() => cronOf('61 * * * *', 'UTC'), { message: /invalid schedule "61 \* \* \* \*".*minute/ });
  t.throws(() => cronOf('* * * * *', 'Nowhere/Town'), { message: /time zone Nowhere\/Town/ });
});

test(title('schedules live in the store: pause, resume without catch-up, claim once, remove'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  await upsertSource(store.db, { id: 'src', adapter: 'demo-api', platform: 'demo', kind: 'api', baseUrl: 'http://127.0.0.1:1' });
  const added = await addSchedule(store.db, { sourceId: 'src', cron: '0 * * * *', maxPages: 3 });
  t.like(added, { source_id: 'src', cron: '0 * * * *', timezone: 'UTC', enabled: true, max_pages: 3, last_run_id: null });

  await sql`update schedules set due_after = now() - interval '1 day' where id = ${added.id}`.execute(store.db);
  t.true(await setScheduleEnabled(store.db, added.id, false));
  t.deepEqual(await listSchedules(store.db, { enabledOnly: true }), []);
  t.true(await setScheduleEnabled(store.db, added.id, true));
  const [resumed] = await listSchedules(store.db, { enabledOnly: true });
  t.true(nextOccurrence(resumed!)! > new Date(), 'a resumed schedule owes nothing for its pause');

  const firedAt = new Date(resumed!.due_after.getTime() + 3_600_000);
  t.true(await claimOccurrence(store.db, added.id, resumed!.due_after, firedAt));
  t.false(await claimOccurrence(store.db, added.id, resumed!.due_after, firedAt), 'an occurrence is claimed once');
  t.true(await removeSchedule(store.db, added.id));
  t.false(await removeSchedule(store.db, added.id));
  t.false(await setScheduleEnabled(store.db, added.id, true));
});
