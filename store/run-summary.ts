import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface RunSummary {
  runId: number;
  listings: number;
  operators: number;
  /** Listings per domestic payment method in the run, most common first. */
  domesticMethods: { code: string; listings: number; operators: number }[];
  unknownMethods: string[];
}

/**
 * What one snapshot holds, in numbers an investigator reads first.
 *
 * @example
 * const summary = await summarizeRun(db, runId);
 */
export async function summarizeRun(db: Kysely<Database>, runId: number): Promise<RunSummary> {
  const totals = await db
    .selectFrom('listing_observations')
    .where('run_id', '=', runId)
    .select([sql<number>`count(*)::int`.as('listings'), sql<number>`count(distinct operator_id)::int`.as('operators')])
    .executeTakeFirstOrThrow();
  const domestic = await db
    .selectFrom('listing_payment_methods as lpm')
    .innerJoin('payment_methods as pm', 'pm.code', 'lpm.method_code')
    .innerJoin('listing_observations as o', (j) => j.onRef('o.run_id', '=', 'lpm.run_id').onRef('o.listing_id', '=', 'lpm.listing_id'))
    .where('lpm.run_id', '=', runId)
    .where('lpm.stance', '=', 'accepted')
    .where('pm.is_domestic', '=', true)
    .groupBy('pm.code')
    .select(['pm.code', sql<number>`count(*)::int`.as('listings'), sql<number>`count(distinct o.operator_id)::int`.as('operators')])
    .orderBy('listings', 'desc')
    .execute();
  const unknown = await db
    .selectFrom('listing_payment_methods')
    .where('run_id', '=', runId)
    .where('method_code', 'is', null)
    .select('raw_text')
    .distinct()
    .orderBy('raw_text')
    .execute();
  return {
    runId,
    listings: Number(totals.listings),
    operators: Number(totals.operators),
    domesticMethods: domestic.map((d) => ({ code: d.code, listings: Number(d.listings), operators: Number(d.operators) })),
    unknownMethods: unknown.map((u) => u.raw_text),
  };
}

/** A payment method the catalog does not know, as a run saw it. */
export interface UnknownMethodCount {
  rawText: string;
  /** Listings of the run carrying it. */
  listings: number;
}

/**
 * The unknown payment methods of some runs (no canonical code: add an
 * alias to the catalog), most common first, per run id; runs without any
 * are absent from the map.
 *
 * @example
 * const unknown = await unknownMethodCounts(db, [12, 13]);
 * unknown.get(12); // [{ rawText: 'bybit:90001', listings: 4 }]
 */
export async function unknownMethodCounts(db: Kysely<Database>, runIds: readonly number[]): Promise<Map<number, UnknownMethodCount[]>> {
  const counts = new Map<number, UnknownMethodCount[]>();
  if (runIds.length === 0) return counts;
  const rows = await db
    .selectFrom('listing_payment_methods')
    .where('run_id', 'in', [...runIds])
    .where('method_code', 'is', null)
    .groupBy(['run_id', 'raw_text'])
    .select(['run_id', 'raw_text', sql<number>`count(distinct listing_id)::int`.as('listings')])
    .orderBy('run_id')
    .orderBy('listings', 'desc')
    .orderBy('raw_text')
    .execute();
  for (const row of rows) counts.set(row.run_id, [...(counts.get(row.run_id) ?? []), { rawText: row.raw_text, listings: Number(row.listings) }]);
  return counts;
}

