import test from 'ava';
import { afterRun } from '../scripts/jobs/after-run.ts';
import { migrateDown, migrateToLatest } from '../store/migrate.ts';
import { recordRunFacts } from '../store/run-facts.ts';
import { runSql } from '../store/read-only-query.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const NEW_METHODS = 'select run_id, operator_id, method_key, method_code, raw_texts, listing_ids from v_new_payment_methods order by 1, 2, 3';

test(title('per-run facts stored run by run equal the history recomputed, and analysing a run again adds nothing'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-api');
  for (let tick = 0; tick < 4; tick += 1) {
    if (tick > 0) rig.market.advance();
    await afterRun(rig.store, await rig.crawl('demo-api'));
  }
  const incremental = await runSql(rig.store.db, NEW_METHODS);
  t.true(incremental.length > 0, 'the demo adds methods from tick 1 on');
  t.true(incremental.every((row) => Number(row.run_id) > 1), 'nothing is new in the first run');

  t.is(await recordRunFacts(rig.store.db, { sourceId: 'demo-api', runId: 3 }), 0);
  t.deepEqual(await runSql(rig.store.db, NEW_METHODS), incremental);

  // The migration's backfill recomputes the facts from the whole history, as the view once did.
  t.deepEqual(await migrateDown(rig.store.db), ['0010-run-facts']);
  const recomputedByOldView = await runSql(rig.store.db, NEW_METHODS);
  await migrateToLatest(rig.store.db);
  t.deepEqual(await runSql(rig.store.db, NEW_METHODS), incremental);
  t.deepEqual(recomputedByOldView, incremental);
});
