import { sql, type RawBuilder } from 'kysely';
import { runCondition, type RunFilter } from '../report/report-filter.ts';

/**
 * How a column is written: decimals and timestamps as text (exact decimals;
 * UTC ISO 8601); `bigint` arrives as a decimal string (the driver's form of
 * int8) and is written as a 64-bit integer.
 */
export type ExportColumnType = 'int' | 'bigint' | 'text' | 'decimal' | 'timestamp' | 'bool' | 'json';

export interface ExportColumn {
  name: string;
  type: ExportColumnType;
}

export interface ExportTable {
  /** Columns in file order; each query row has exactly these keys. */
  columns: readonly ExportColumn[];
  query(filter: RunFilter): RawBuilder<Record<string, unknown>>;
}

/** A timestamp as UTC ISO 8601 with the stored microseconds, formatted by the database. */
function iso(column: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

const c = (name: string, type: ExportColumnType): ExportColumn => ({ name, type });

/** Rows seen by the filter's finished runs: the `exists` test of listings and operators. */
function seenIn(filter: RunFilter, column: 'listing_id' | 'operator_id', id: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from listing_observations o join crawl_runs r on r.id = o.run_id
                               where o.${sql.ref(column)} = ${id} and r.status <> 'running' and ${runCondition('r', filter)})`;
}

/**
 * What `otcwatch export` can write, one SQL query each, filtered by source
 * and run start and ordered by id. Only finished runs and what they saw are
 * exported.
 *
 * @example
 * const table = EXPORT_TABLES.observations;
 * await forEachBatch(db, table.query({ sourceIds: ['demo-api'] }), 10_000, write);
 */
export const EXPORT_TABLES = {
  observations: {
    columns: [
      c('id', 'bigint'), c('run_id', 'int'), c('source_id', 'text'), c('observed_at', 'timestamp'), c('listing_id', 'int'),
      c('platform', 'text'), c('listing_key', 'text'), c('operator_id', 'int'), c('operator_key', 'text'), c('operator_name', 'text'),
      c('side', 'text'), c('asset', 'text'), c('fiat', 'text'), c('price', 'decimal'), c('available', 'decimal'),
      c('min_order', 'decimal'), c('max_order', 'decimal'), c('payment_methods', 'text'), c('terms', 'text'),
      c('completion_rate', 'decimal'), c('order_count', 'int'), c('month_order_count', 'int'), c('evidence_id', 'int'),
    ],
    query: (filter) => sql`
      select o.id::text as id, o.run_id, r.source_id, ${iso(sql`o.observed_at`)} as observed_at, o.listing_id,
             l.platform, l.platform_key as listing_key, o.operator_id, op.platform_key as operator_key, o.operator_name,
             l.side, l.asset, l.fiat, o.price::text as price, o.available::text as available,
             o.min_order::text as min_order, o.max_order::text as max_order,
             (select string_agg(pm.method_key, ';' order by pm.method_key) from listing_payment_methods pm
               where pm.run_id = o.run_id and pm.listing_id = o.listing_id) as payment_methods,
             o.terms, o.completion_rate::text as completion_rate, o.order_count, o.month_order_count, o.evidence_id
        from listing_observations o
        join crawl_runs r on r.id = o.run_id
        join listings l on l.id = o.listing_id
        join operators op on op.id = o.operator_id
       where r.status <> 'running' and ${runCondition('r', filter)}
       order by o.id`,
  },
  listings: {
    columns: [
      c('id', 'int'), c('platform', 'text'), c('listing_key', 'text'), c('operator_id', 'int'), c('operator_key', 'text'),
      c('side', 'text'), c('asset', 'text'), c('fiat', 'text'), c('first_seen_at', 'timestamp'), c('last_seen_at', 'timestamp'),
    ],
    query: (filter) => sql`
      select l.id, l.platform, l.platform_key as listing_key, l.operator_id, op.platform_key as operator_key,
             l.side, l.asset, l.fiat, ${iso(sql`l.first_seen_at`)} as first_seen_at, ${iso(sql`l.last_seen_at`)} as last_seen_at
        from listings l join operators op on op.id = l.operator_id
       where ${seenIn(filter, 'listing_id', sql`l.id`)}
       order by l.id`,
  },
  operators: {
    columns: [
      c('id', 'int'), c('platform', 'text'), c('operator_key', 'text'), c('name', 'text'),
      c('first_seen_at', 'timestamp'), c('last_seen_at', 'timestamp'), c('score', 'decimal'), c('domestic_facing', 'bool'),
    ],
    query: (filter) => sql`
      select op.id, op.platform, op.platform_key as operator_key, op.name,
             ${iso(sql`op.first_seen_at`)} as first_seen_at, ${iso(sql`op.last_seen_at`)} as last_seen_at,
             s.score::text as score, coalesce(s.domestic_facing, false) as domestic_facing
        from operators op left join operator_scores s on s.operator_id = op.id
       where ${seenIn(filter, 'operator_id', sql`op.id`)}
       order by op.id`,
  },
  alerts: {
    columns: [
      c('id', 'int'), c('kind', 'text'), c('source_id', 'text'), c('run_id', 'int'), c('operator_id', 'int'), c('listing_id', 'int'),
      c('subject', 'text'), c('payload', 'json'), c('dedup_key', 'text'), c('created_at', 'timestamp'), c('acked_at', 'timestamp'),
    ],
    query: (filter) => sql`
      select a.id, a.kind, a.source_id, a.run_id, a.operator_id, a.listing_id, a.subject, a.payload::text as payload, a.dedup_key,
             ${iso(sql`a.created_at`)} as created_at, ${iso(sql`a.acked_at`)} as acked_at
        from alerts a join crawl_runs r on r.id = a.run_id
       where ${runCondition('r', filter)}
       order by a.id`,
  },
  runs: {
    columns: [
      c('id', 'int'), c('source_id', 'text'), c('status', 'text'), c('started_at', 'timestamp'), c('finished_at', 'timestamp'),
      c('pages_ok', 'int'), c('pages_failed', 'int'), c('listings', 'int'), c('parse_failures', 'int'), c('error', 'text'),
    ],
    query: (filter) => sql`
      select r.id, r.source_id, r.status, ${iso(sql`r.started_at`)} as started_at, ${iso(sql`r.finished_at`)} as finished_at,
             r.pages_ok, r.pages_failed, r.listings_count as listings, r.parse_failures_count as parse_failures, r.error
        from crawl_runs r
       where ${runCondition('r', filter)}
       order by r.id`,
  },
} satisfies Record<string, ExportTable>;

export type ExportTableName = keyof typeof EXPORT_TABLES;
