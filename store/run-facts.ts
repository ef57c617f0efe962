import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Stores a run's facts once, when it is analysed, so the views read them
 * instead of recomputing the whole history on every query; the work
 * follows the run's own observations (one pass over them, through the
 * run's index), never the history:
 *
 * - the run's operators join `operator_source_firsts` (first run of the
 *   source that saw each), its operators' methods `operator_method_firsts`;
 * - `run_new_payment_methods` gets each method an operator carried in this
 *   run for the first time on the source, when the source had seen the
 *   operator in an earlier run (what `v_new_payment_methods` shows).
 *
 * Runs are analysed in order, so "earlier" is known; analysing a run again
 * changes nothing. Answers how many new methods the run has.
 *
 * @example
 * await recordRunFacts(store.db, { sourceId: 'demo-api', runId: 7 }); // 2
 */
export async function recordRunFacts(db: Kysely<Database>, run: { sourceId: string; runId: number }): Promise<number> {
  const { sourceId, runId } = run;
  return db.transaction().execute(async (trx) => {
    await sql`
      insert into operator_source_firsts (source_id, operator_id, first_run_id)
      select ${sourceId}, operator_id, ${runId} from listing_observations where run_id = ${runId} group by operator_id
      on conflict (source_id, operator_id) do update set first_run_id = least(operator_source_firsts.first_run_id, excluded.first_run_id)`.execute(trx);
    const inserted = await sql`
      insert into run_new_payment_methods (run_id, source_id, operator_id, method_key, method_code, raw_texts, listing_ids)
      select ${runId}, ${sourceId}, o.operator_id, pm.method_key, min(pm.method_code), array_agg(distinct pm.raw_text), array_agg(distinct pm.listing_id)
        from listing_observations o
        join listing_payment_methods pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id
        join operator_source_firsts fo on fo.source_id = ${sourceId} and fo.operator_id = o.operator_id and fo.first_run_id < ${runId}
       where o.run_id = ${runId}
         and not exists (select 1 from operator_method_firsts f
                          where f.source_id = ${sourceId} and f.operator_id = o.operator_id and f.method_key = pm.method_key and f.first_run_id < ${runId})
       group by o.operator_id, pm.method_key
      on conflict do nothing`.execute(trx);
    await sql`
      insert into operator_method_firsts (source_id, operator_id, method_key, first_run_id)
      select distinct ${sourceId}, o.operator_id, pm.method_key, ${runId}::int
        from listing_observations o
        join listing_payment_methods pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id
       where o.run_id = ${runId}
      on conflict (source_id, operator_id, method_key) do update set first_run_id = least(operator_method_firsts.first_run_id, excluded.first_run_id)`.execute(trx);
    return Number(inserted.numAffectedRows ?? 0n);
  });
}
