import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/**
 * Kysely's view of the tables created by `migrations/`. Money and amounts
 * are Postgres `numeric`, read and written as exact decimal strings.
 */
export interface Database {
  sources: SourcesTable;
  crawl_runs: CrawlRunsTable;
  run_pages: RunPagesTable;
  workers: WorkersTable;
  evidence: EvidenceTable;
  evidence_records: EvidenceRecordsTable;
  operators: OperatorsTable;
  listings: ListingsTable;
  listing_observations: ListingObservationsTable;
  listing_payment_methods: ListingPaymentMethodsTable;
  payment_methods: PaymentMethodsTable;
  payment_method_aliases: PaymentMethodAliasesTable;
  parse_failures: ParseFailuresTable;
  alerts: AlertsTable;
  alert_deliveries: AlertDeliveriesTable;
  operator_signals: OperatorSignalsTable;
  operator_scores: OperatorScoresTable;
  run_host_locations: RunHostLocationsTable;
  schedules: SchedulesTable;
  host_slots: HostSlotsTable;
  catalog_versions: CatalogVersionsTable;
  operator_source_firsts: OperatorSourceFirstsTable;
  operator_method_firsts: OperatorMethodFirstsTable;
  run_new_payment_methods: RunNewPaymentMethodsTable;
}

type Decimal = ColumnType<string, string, string>;
/** A bigint: the pg driver reads it as a string, PGlite as a number; read it through Number(). */
type Int8 = ColumnType<string | number, number, number>;
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

export type RunStatus = 'running' | 'complete' | 'partial' | 'failed' | 'cancelled';

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
  /** The process holding a running run (`host:pid:nonce`). */
  owner: string | null;
  /** Last sign of life of the owner; a stale one lets another process resume the run. */
  heartbeat_at: Timestamp | null;
  resumed_count: ColumnType<number, number | undefined, number>;
  /** Set once the after-run pass stored the run's alerts; null while pending. */
  analysed_at: Timestamp | null;
  /** When `evidence prune` removed the run's WARC archive. */
  archive_pruned_at: Timestamp | null;
}

/** A worker, scheduler or one-process runner, and its last sign of life. */
export interface WorkersTable {
  id: string;
  kind: 'worker' | 'scheduler' | 'run';
  host: string;
  pid: number;
  concurrency: number;
  started_at: CreatedAt;
  heartbeat_at: ColumnType<Date, Date | string | undefined, Date | string>;
  stopped_at: Timestamp | null;
  jobs_done: ColumnType<number, number | undefined, number>;
  jobs_failed: ColumnType<number, number | undefined, number>;
  last_error: string | null;
}

/** The journal of a run: one row per request read, replaced when a page is read again. */
export interface RunPagesTable {
  run_id: number;
  request_key: string;
  url: string;
  outcome: 'ok' | 'failed';
  error: string | null;
  fetched_at: Timestamp;
  evidence_id: number | null;
  listings: number;
  parse_failures: number;
  next_requests: JSONColumnType<unknown[]>;
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
  /** Runs before WARC archives only (migration 0012): the body's and screenshot's side files. */
  body_path: ColumnType<string | null, never, never>;
  screenshot_path: ColumnType<string | null, never, never>;
  screenshot_sha256: ColumnType<string | null, never, never>;
  method: string | null;
  server_ip: string | null;
  /** The page's response record in its run's WARC file (relative to the data folder). */
  warc_file: string | null;
  warc_offset: Int8 | null;
  warc_length: Int8 | null;
}

/** One WARC record written for a page (migration 0012). */
export interface EvidenceRecordsTable {
  id: Generated<number>;
  evidence_id: number;
  run_id: number;
  warc_file: string;
  warc_offset: Int8;
  warc_length: Int8;
  warc_type: string;
  record_id: string;
  target_uri: string;
  purpose: 'page' | 'robots';
  method: string;
  http_status: number | null;
  server_ip: string | null;
  recorded_at: Timestamp;
  payload_sha256: string;
  block_sha256: string;
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
  /** Null when negotiable (`price_negotiable`) or unreadable (a parse failure linked by `observation_id` says why). */
  price: Decimal | null;
  price_negotiable: ColumnType<boolean, boolean | undefined, boolean>;
  available: Decimal | null;
  min_order: Decimal | null;
  max_order: Decimal | null;
  terms: string | null;
  completion_rate: Decimal | null;
  order_count: number | null;
  month_order_count: number | null;
  evidence_id: number | null;
  /** The journalled request (run_pages) that wrote this row; null for rows older than durable runs. */
  request_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** The sighting's accepted method keys in code-point order: its `listing_payment_methods` as the views list them (migration 0016). */
  payment_methods: ColumnType<string[], string[] | undefined, string[]>;
  /** The same, of its refused methods. */
  refused_payment_methods: ColumnType<string[], string[] | undefined, string[]>;
}

export interface ListingPaymentMethodsTable {
  run_id: number;
  listing_id: number;
  /** Canonical code, or `unknown:<raw>` so unknown methods take part in set operations too. */
  method_key: string;
  method_code: string | null;
  raw_text: string;
  /** The journalled request (run_pages) that wrote this row; null for rows older than durable runs. */
  request_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** `refused` for a method the listing says it does not take (不收支付宝): stored, never counted as the listing's. */
  stance: ColumnType<PaymentStance, PaymentStance | undefined, PaymentStance>;
  /** Where it was read: the platform's method field, an icon, or free text. */
  source: ColumnType<PaymentMethodSource, PaymentMethodSource | undefined, PaymentMethodSource>;
}

export type PaymentStance = 'accepted' | 'refused';
export type PaymentMethodSource = 'structured' | 'icon' | 'text';

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
  /** The observation a field failure belongs to (its row was kept); null when the whole row was lost. */
  observation_id: number | null;
  created_at: CreatedAt;
  /** The journalled request (run_pages) that wrote this row; null for rows older than durable runs. */
  request_key: ColumnType<string | null, string | null | undefined, string | null>;
}

export type AlertKind =
  | 'new_domestic_payment_method'
  | 'new_domestic_facing_operator'
  | 'operator_vanished'
  | 'price_move'
  | 'volume_move'
  | 'baseline_digest';

export interface AlertsTable {
  id: Generated<number>;
  kind: AlertKind;
  source_id: string;
  /** The run that raised it. */
  run_id: number;
  operator_id: number | null;
  listing_id: number | null;
  /** One readable line. */
  subject: string;
  payload: JSONColumnType<Record<string, unknown>>;
  /** Unique: the same fact raised twice is one alert. */
  dedup_key: string;
  created_at: CreatedAt;
  acked_at: Date | null;
  /** Raised by a source's first run: stored, but delivered only as the run's `baseline_digest`. */
  baseline: ColumnType<boolean, boolean | undefined, boolean>;
}

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export interface AlertDeliveriesTable {
  alert_id: number;
  /** Sink name: `console`, `file`, `webhook`. */
  sink: string;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  /** When a failed (or claimed) delivery may be tried again. */
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  delivered_at: Date | null;
}

/** One explainable signal of an operator's domestic-facing score; see `store/signals/`. */
export interface OperatorSignalsTable {
  operator_id: number;
  signal: string;
  weight: Decimal;
  /** 0–1: how fully the signal holds. */
  strength: Decimal;
  /** weight × strength. */
  points: Decimal;
  /** What the signal rests on: listing ids, run ids, the matched text. Contact handles in full. */
  evidence: JSONColumnType<Record<string, unknown>>;
  run_id: number | null;
  computed_at: CreatedAt;
}

export interface OperatorScoresTable {
  operator_id: number;
  /** Sum of the operator's signal points, 0–100. */
  score: Decimal;
  domestic_facing: boolean;
  run_id: number | null;
  computed_at: CreatedAt;
}

/** Where a run's host was, by DNS and offline GeoIP; `country` null when unknown (`note` says why). */
export interface RunHostLocationsTable {
  run_id: number;
  host: string;
  address: string | null;
  country: string | null;
  note: string | null;
  resolved_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SchedulesTable {
  id: Generated<number>;
  source_id: string;
  /** A croner pattern: 5 fields (minutes), or 6 with seconds first. */
  cron: string;
  /** IANA zone the pattern is read in. */
  timezone: ColumnType<string, string | undefined, string>;
  max_pages: number | null;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  /** The first occurrence strictly after this time is the one owed. */
  due_after: ColumnType<Date, Date | string | undefined, Date | string>;
  last_run_id: number | null;
  created_at: CreatedAt;
}

/** The cluster-wide side of a host's politeness (migrations/0009-host-slots.ts). */
export interface HostSlotsTable {
  host: string;
  /** The last request start claimed on the host, by any process. */
  last_start_at: Timestamp;
  /** The token of the claim that set `last_start_at`. */
  claimed_by: string;
  /** The largest gap declared on the host while `gap_until` has not passed. */
  gap_ms: number;
  gap_until: Timestamp;
}

/** The hash of a catalog the code writes into the store (payment methods, built-in sources), as last written. */
export interface CatalogVersionsTable {
  name: string;
  sha256: string;
  written_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The first run of a source that saw an operator (a per-run fact, see store/run-facts.ts). */
export interface OperatorSourceFirstsTable {
  source_id: string;
  operator_id: number;
  first_run_id: number;
}

/** The first run of a source in which an operator carried a method. */
export interface OperatorMethodFirstsTable {
  source_id: string;
  operator_id: number;
  method_key: string;
  first_run_id: number;
}

/** A method an operator carried for the first time in a run, having been seen by the source before: `v_new_payment_methods`. */
export interface RunNewPaymentMethodsTable {
  run_id: number;
  source_id: string;
  operator_id: number;
  method_key: string;
  method_code: string | null;
  raw_texts: string[];
  listing_ids: number[];
}
