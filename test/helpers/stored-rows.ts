import { sql } from 'kysely';
import type { Store } from '../../store/connection.ts';

/** Everything a run stored about each listing, one comparable line each (numbers without trailing zeros). */
export async function storedRows(store: Store, runId: number): Promise<string[]> {
  const rows = await sql<{ line: string }>`
    select concat_ws('|', l.platform_key, op.platform_key, l.side, l.asset, l.fiat, o.operator_name,
             trim_scale(o.price), trim_scale(o.available), trim_scale(o.min_order), trim_scale(o.max_order),
             o.terms, trim_scale(o.completion_rate), o.order_count,
             (select string_agg(pm.method_key, ',' order by pm.method_key)
                from listing_payment_methods pm
               where pm.run_id = o.run_id and pm.listing_id = o.listing_id)) as line
      from listing_observations o
      join listings l on l.id = o.listing_id
      join operators op on op.id = o.operator_id
     where o.run_id = ${runId}
     order by 1`.execute(store.db);
  return rows.rows.map((r) => r.line);
}

