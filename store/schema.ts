import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/**
 * Kysely's view of the tables created by `migrations/`. Money and amounts
 * are Postgres `numeric`, read and written as exact decimal strings.
 */
export interface Database {
  sources: SourcesTable;
  crawl_runs: CrawlRunsTable;
  evidence: EvidenceTable;
  operators: OperatorsTable;
  listings: ListingsTable;
  listing_observations: ListingObservationsTable;
  listing_payment_methods: ListingPaymentMethodsTable;
  payment_methods: PaymentMethodsTable;
  payment_method_aliases: PaymentMethodAliasesTable;
  parse_failures: ParseFailuresTable;
}

type Decimal = ColumnType<string, string, string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface SourcesTable {
  id: string;
  adapter: string;
  /** Operators and listings are keyed per platform, so several sources of one platform share identities. */
  platform: string;
  kind: string;
  base_url: string;
  params: JSONColumnType<Record<string, unknown>>;
  politeness: JSONColumnType<Record<string, unknown>>;
  host_country: string | null;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type RunStatus = 'running' | 'complete' | 'partial' | 'failed';

export interface CrawlRunsTable {
  id: Generated<number>;
  source_id: string;
  status: RunStatus;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  pages_ok: ColumnType<number, number | undefined, number>;
  pages_failed: ColumnType<number, number | undefined, number>;
  listings_count: ColumnType<number, number | undefined, number>;
  parse_failures_count: ColumnType<number, number | undefined, number>;
  error: string | null;
}

export interface EvidenceTable {
  id: Generated<number>;
  run_id: number;
  url: string;
  fetched_at: Timestamp;
  outcome: 'ok' | 'failed';
  http_status: number | null;
  error: string | null;
  sha256: string | null;
  bytes: number | null;
  body_path: string | null;
  screenshot_path: string | null;
  screenshot_sha256: string | null;
}

export interface OperatorsTable {
  id: Generated<number>;
  platform: string;
  platform_key: string;
  name: string;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface ListingsTable {
  id: Generated<number>;
  platform: string;
  platform_key: string;
  operator_id: number;
  side: 'buy' | 'sell';
  asset: string;
  fiat: string;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface ListingObservationsTable {
  id: Generated<number>;
  run_id: number;
  listing_id: number;
  operator_id: number;
  observed_at: Timestamp;
  operator_name: string;
  price: Decimal;
  available: Decimal | null;
  min_order: Decimal | null;
  max_order: Decimal | null;
  terms: string | null;
  completion_rate: Decimal | null;
  order_count: number | null;
  month_order_count: number | null;
  evidence_id: number | null;
}

export interface ListingPaymentMethodsTable {
  run_id: number;
  listing_id: number;
  /** Canonical code, or `unknown:<raw>` so unknown methods take part in set operations too. */
  method_key: string;
  method_code: string | null;
  raw_text: string;
}

export interface PaymentMethodsTable {
  code: string;
  name: string;
  category: string;
  is_domestic: boolean;
}

export interface PaymentMethodAliasesTable {
  alias: string;
  code: string;
}

export interface ParseFailuresTable {
  id: Generated<number>;
  run_id: number;
  url: string | null;
  raw: string;
  error: string;
  field_path: string | null;
  created_at: CreatedAt;
}
