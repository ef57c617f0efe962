import test from 'ava';
import { sql, type Kysely } from 'kysely';
import { afterRun } from '../scripts/jobs/after-run.ts';
import { scoreRun } from '../scripts/jobs/score-run.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { scoreOperators } from '../store/operator-scores.ts';
import { migrateDownThrough } from './helpers/migrate-down.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const signals = async (db: Kysely<any>) =>
  (await sql<Record<string, unknown>>`select operator_id, signal, strength, points, evidence from operator_signals order by 1, 2`.execute(db)).rows;

test(title('signals from aggregates folded run by run equal those from the whole history folded at once after the migration, and scoring a run again changes nothing'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-api');
  let last = { sourceId: 'demo-api', runId: 0 };
  for (let tick = 0; tick < 3; tick += 1) {
    if (tick > 0) rig.market.advance();
    last = await rig.crawl('demo-api');
    await afterRun(rig.store, last);
  }
  const incremental = await signals(rig.store.db);
  t.true(incremental.some((row) => row.signal === 'mainland_daytime' && (row.evidence as { runs: number }).runs === 3), 'operators seen in all 3 runs');

  await scoreRun(rig.store, last);
  t.deepEqual(await signals(rig.store.db), incremental);

  t.deepEqual((await migrateDownThrough(rig.store.db, '0013-score-aggregates')).at(-1), '0013-score-aggregates');
  await migrateToLatest(rig.store.db);
  // Scores dropped: every operator is scored from the aggregates the first pass refolds from the history.
  await rig.store.db.deleteFrom('operator_signals').execute();
  await rig.store.db.deleteFrom('operator_scores').execute();
  const operatorIds = (await rig.store.db.selectFrom('operators').select('id').execute()).map((r) => r.id);
  await scoreOperators(rig.store.db, { operatorIds, runId: last.runId });
  t.deepEqual(await signals(rig.store.db), incremental);
});
