import { sql, type RawBuilder } from 'kysely';

/** Which runs a report or an export covers: some sources (all when empty), runs started since a time. */
export interface RunFilter {
  sourceIds?: readonly string[];
  since?: Date;
}

/**
 * The filter as a SQL condition on a `crawl_runs` alias, for the report's
 * and the exports' queries (one spelling, so a chart and an export of the
 * same filter cover the same runs).
 *
 * @example
 * sql`select id from crawl_runs r where ${runCondition('r', { sourceIds: ['demo-api'] })}`;
 */
export function runCondition(alias: string, filter: RunFilter): RawBuilder<boolean> {
  const r = sql.ref(alias);
  const sources = filter.sourceIds && filter.sourceIds.length > 0 ? [...filter.sourceIds] : null;
  return sql<boolean>`(${sources}::text[] is null or ${r}.source_id = any(${sources}::text[]))
    and (${filter.since ?? null}::timestamptz is null or ${r}.started_at >= ${filter.since ?? null}::timestamptz)`;
}
