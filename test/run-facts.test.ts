import test from 'ava';
import { sql, type Kysely } from 'kysely';
import { afterRun } from '../scripts/jobs/after-run.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { recordRunFacts } from '../store/run-facts.ts';
import { migrateDownThrough } from './helpers/migrate-down.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const newMethods = async (db: Kysely<any>) =>
  (await sql<Record<string, unknown>>`select run_id, operator_id, method_key, method_code, raw_texts, listing_ids from v_new_payment_methods order by 1, 2, 3`.execute(db)).rows;

test(title('per-run facts stored run by run equal the history recomputed, and analysing a run again adds nothing'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-api');
  for (let tick = 0; tick < 4; tick += 1) {
    if (tick > 0) rig.market.advance();
    await afterRun(rig.store, await rig.crawl('demo-api'));
  }
  const incremental = await newMethods(rig.store.db);
  t.true(incremental.length > 0, 'the demo adds methods from tick 1 on');
  t.true(incremental.every((row) => Number(row.run_id) > 1), 'nothing is new in the first run');

  t.is(await recordRunFacts(rig.store.db, { sourceId: 'demo-api', runId: 3 }), 0);
  t.deepEqual(await newMethods(rig.store.db), incremental);

  // The migration's backfill recomputes the facts from the whole history, as the view once did.
  // Later migrations are undone first, one at a time, until 0010 itself is.
  const undone = await migrateDownThrough(rig.store.db, '0010-run-facts');
  t.deepEqual(undone.slice(-2), ['0011-schema-meanings', '0010-run-facts']);
  const recomputedByOldView = await newMethods(rig.store.db);
  await migrateToLatest(rig.store.db);
  t.deepEqual(await newMethods(rig.store.db), incremental);
  t.deepEqual(recomputedByOldView, incremental);
});
