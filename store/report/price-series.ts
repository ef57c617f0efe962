import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { runCondition, type RunFilter } from './report-filter.ts';

/** One point of a market's price and volume chart: one run. */
export interface PricePoint {
  sourceId: string;
  side: 'buy' | 'sell';
  asset: string;
  fiat: string;
  runId: number;
  startedAt: Date;
  /** Listings observed in the run for this market. */
  listings: number;
  /** Percentiles of the listings' prices (linear interpolation, `percentile_cont`). */
  p10: number;
  median: number;
  p90: number;
  /** Sum of the listings' available amounts (asset units), exact. */
  available: string;
}

/**
 * Per source, side, asset and fiat, and per closed run (complete or
 * partial): the median and p10–p90 of the listings' prices and the total
 * available amount. Ordered by market, then run start.
 *
 * @example
 * const points = await priceSeries(db, { sourceIds: ['demo-api'] });
 * points[0]; // { sourceId: 'demo-api', side: 'sell', asset: 'USDT', fiat: 'CNY', runId: 1, median: 7.21, … }
 */
export async function priceSeries(db: Kysely<Database>, filter: RunFilter = {}): Promise<PricePoint[]> {
  const rows = await sql<{
    source_id: string;
    side: 'buy' | 'sell';
    asset: string;
    fiat: string;
    run_id: number;
    started_at: Date;
    listings: number;
    p10: number;
    median: number;
    p90: number;
    available: string | null;
  }>`
    select r.source_id, l.side, l.asset, l.fiat, r.id as run_id, r.started_at, count(*)::int as listings,
           percentile_cont(0.1) within group (order by o.price) as p10,
           percentile_cont(0.5) within group (order by o.price) as median,
           percentile_cont(0.9) within group (order by o.price) as p90,
           coalesce(sum(o.available), 0)::text as available
      from crawl_runs r
      join listing_observations o on o.run_id = r.id
      join listings l on l.id = o.listing_id
     where r.status in ('complete', 'partial') and ${runCondition('r', filter)}
     group by r.source_id, l.side, l.asset, l.fiat, r.id, r.started_at
     order by r.source_id, l.side desc, l.asset, l.fiat, r.started_at, r.id`.execute(db);
  return rows.rows.map((r) => ({
    sourceId: r.source_id,
    side: r.side,
    asset: r.asset,
    fiat: r.fiat,
    runId: r.run_id,
    startedAt: r.started_at,
    listings: r.listings,
    p10: Number(r.p10),
    median: Number(r.median),
    p90: Number(r.p90),
    available: r.available ?? '0',
  }));
}
