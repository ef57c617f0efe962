import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { runCondition, type RunFilter } from './report-filter.ts';

/** How many operators accepted one domestic payment method in one run. */
export interface AdoptionPoint {
  sourceId: string;
  runId: number;
  startedAt: Date;
  method: string;
  methodName: string;
  /** Distinct operators with at least one listing taking the method in the run (0 when none). */
  operators: number;
}

/**
 * Domestic payment-method adoption over time: per source, closed run and
 * domestic method of the catalog (Alipay, WeChat Pay, UnionPay, mainland
 * bank card, e-CNY), the number of operators accepting it — zero rows
 * included, so every series has a point per run. Ordered by source, run
 * start, method.
 *
 * @example
 * const points = await methodAdoption(db, { since: new Date('2024-05-01') });
 */
export async function methodAdoption(db: Kysely<Database>, filter: RunFilter = {}): Promise<AdoptionPoint[]> {
  const rows = await sql<{ source_id: string; run_id: number; started_at: Date; method: string; method_name: string; operators: number }>`
    with runs as (
      select r.id, r.source_id, r.started_at from crawl_runs r
       where r.status in ('complete', 'partial') and ${runCondition('r', filter)}
    ), counts as (
      select o.run_id, lpm.method_code, count(distinct o.operator_id)::int as operators
        from runs
        join listing_observations o on o.run_id = runs.id
        join listing_payment_methods lpm on lpm.run_id = o.run_id and lpm.listing_id = o.listing_id and lpm.stance = 'accepted'
       group by o.run_id, lpm.method_code
    )
    select runs.source_id, runs.id as run_id, runs.started_at, pm.code as method, pm.name as method_name,
           coalesce(c.operators, 0)::int as operators
      from runs
     cross join payment_methods pm
      left join counts c on c.run_id = runs.id and c.method_code = pm.code
     where pm.is_domestic
     order by runs.source_id, runs.started_at, runs.id, pm.code`.execute(db);
  return rows.rows.map((r) => ({
    sourceId: r.source_id,
    runId: r.run_id,
    startedAt: r.started_at,
    method: r.method,
    methodName: r.method_name,
    operators: r.operators,
  }));
}
