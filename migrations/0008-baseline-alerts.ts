import { sql, type Kysely } from 'kysely';
import { clearComments, writeComments, type SchemaComments } from './comments.ts';

/** Alert kinds before and after this migration (the check constraint lists them). */
const KINDS_BEFORE = ['new_domestic_payment_method', 'new_domestic_facing_operator', 'operator_vanished', 'price_move', 'volume_move'];
const KINDS_AFTER = [...KINDS_BEFORE, 'baseline_digest'];

/**
 * A quiet baseline, and a schema that explains itself:
 *
 * - `alerts.baseline`: alerts raised by a source's first run (nothing to
 *   compare with yet) are stored flagged and not delivered one by one;
 *   sinks get one `baseline_digest` alert per such run instead.
 * - `COMMENT ON` every table, view and column of migrations 0001–0004 and
 *   this one, read back by `otcwatch schema` from the catalog.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('alerts').addColumn('baseline', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await setKinds(db, KINDS_AFTER);
  await writeComments(db, COMMENTS);
}

export async function down(db: Kysely<any>): Promise<void> {
  await clearComments(db, COMMENTS);
  await sql`delete from alerts where kind = 'baseline_digest'`.execute(db);
  await setKinds(db, KINDS_BEFORE);
  await db.schema.alterTable('alerts').dropColumn('baseline').execute();
}

async function setKinds(db: Kysely<any>, kinds: string[]): Promise<void> {
  await sql`alter table alerts drop constraint if exists alerts_kind_check`.execute(db);
  await sql`alter table alerts add constraint alerts_kind_check check (kind in (${sql.join(kinds.map((k) => sql.lit(k)))}))`.execute(db);
}

const RUN = 'crawl_runs.id of the snapshot';
const LISTING_COLUMNS = {
  run_id: RUN,
  source_id: 'sources.id that was crawled',
  run_status: 'status of the run: complete or partial (running and failed runs are left out)',
  observed_at: 'when the page holding the listing was fetched',
  platform: 'platform the listing and operator ids belong to',
  listing_key: "the platform's own ad id (or a stable hash where it has none)",
  listing_id: 'listings.id',
  operator_id: 'operators.id of the seller',
  operator_name: "the seller's name as shown in that run (seller-written; may hold anything)",
  side: "the advertiser's side: sell (a seller's ad, the one a buyer pays into) or buy",
  asset: 'crypto asset ticker, e.g. USDT',
  fiat: 'fiat currency code, e.g. CNY',
  price: 'fiat per one unit of asset, exact decimal',
  available: 'asset amount on offer, exact decimal',
  min_order: 'smallest order, in fiat',
  max_order: 'largest order, in fiat',
  payment_methods: 'canonical payment-method codes of the listing in that run; unknown:<raw text> for methods the catalog does not know',
  terms: "the ad's free-text terms (seller-written)",
  completion_rate: 'fraction of orders completed, 0–1',
  order_count: 'orders the platform reports for the seller',
  month_order_count: 'orders in the last 30 days, where reported',
  evidence_id: 'evidence.id of the page the row was read from (otcwatch evidence <id>)',
};

/** The meaning of every table, view and column: '' is the relation itself. */
/** Exported so a later migration that rewords a table's meanings can restore these on its way down. */
export const COMMENTS: SchemaComments = {
  sources: {
    '': 'A marketplace endpoint otcwatch crawls (otcwatch sources).',
    id: 'source id, used on the command line', adapter: 'coded adapter name, or declarative', platform: 'platform whose operator and listing ids the source shares',
    kind: 'api, html, browser or declarative', base_url: 'where it is crawled', params: 'adapter parameters (assets, fiats, sides, payTypes…, a declarative spec)',
    politeness: 'minGapMs, concurrency, requestsPerInterval, intervalMs, respectRobots', host_country: 'declared country of the platform operator (ISO 3166), if documented',
    enabled: 'false: skipped by scheduled crawls', created_at: 'when registered', updated_at: 'last change',
  },
  crawl_runs: {
    '': 'One crawl of one source: a snapshot. Only closed runs (complete, partial, failed) are seen by views, diffs and alerts.',
    id: 'run id', source_id: 'sources.id', status: 'running, complete, partial (some page failed or the crawl was cancelled) or failed',
    started_at: 'start time', finished_at: 'close time, null while running', pages_ok: 'pages fetched and parsed', pages_failed: 'pages that failed after retries',
    listings_count: 'distinct listings stored', parse_failures_count: 'rows that could not be read (see parse_failures)', error: 'why the run is partial or failed',
  },
  evidence: {
    '': 'The raw page or API response behind observations: URL, time, status and sha256 of the exact bytes.',
    id: 'evidence id (otcwatch evidence <id>)', run_id: 'crawl_runs.id', url: 'URL fetched', fetched_at: 'fetch time', outcome: 'ok or failed', http_status: 'HTTP status',
    error: 'why the fetch failed', sha256: 'sha256 of the body bytes', bytes: 'body size in bytes', body_path: 'file of the body under the data folder',
    screenshot_path: 'browser pages: file of the PNG screenshot', screenshot_sha256: 'sha256 of the screenshot',
  },
  operators: {
    '': 'A seller on a platform, keyed by the platform\'s own user id.',
    id: 'operator id (otcwatch operators explain <id>)', platform: 'platform', platform_key: "the platform's id of the seller (id:…, or the profile path or name when it has none)",
    name: 'latest name seen (seller-written)', first_seen_at: 'first observation', last_seen_at: 'latest observation',
  },
  listings: {
    '': 'An ad on a platform, keyed by the platform\'s ad id.',
    id: 'listing id', platform: 'platform', platform_key: "the platform's ad id (or a stable hash)", operator_id: 'operators.id of the seller',
    side: 'sell or buy (the advertiser\'s side)', asset: 'asset ticker', fiat: 'fiat code', first_seen_at: 'first observation', last_seen_at: 'latest observation',
  },
  listing_observations: {
    '': 'One listing as one run saw it: price, amounts, terms; exact decimals.',
    id: 'observation id', run_id: RUN, listing_id: 'listings.id', operator_id: 'operators.id', observed_at: LISTING_COLUMNS.observed_at, operator_name: LISTING_COLUMNS.operator_name,
    price: LISTING_COLUMNS.price, available: LISTING_COLUMNS.available, min_order: LISTING_COLUMNS.min_order, max_order: LISTING_COLUMNS.max_order, terms: LISTING_COLUMNS.terms,
    completion_rate: LISTING_COLUMNS.completion_rate, order_count: LISTING_COLUMNS.order_count, month_order_count: LISTING_COLUMNS.month_order_count, evidence_id: LISTING_COLUMNS.evidence_id,
  },
  listing_payment_methods: {
    '': 'Payment methods of a listing in a run.',
    run_id: RUN, listing_id: 'listings.id', method_key: 'canonical code, or unknown:<raw> for a method the catalog does not know',
    method_code: 'payment_methods.code, null when unknown', raw_text: 'the method as the platform spelled it',
  },
  payment_methods: {
    '': 'The payment-method catalog.',
    code: 'canonical code, e.g. alipay', name: 'display name', category: 'cn_domestic, bank, international, cash, …', is_domestic: 'a mainland-China rail (Alipay, WeChat Pay, UnionPay, mainland bank card, e-CNY)',
  },
  payment_method_aliases: { '': 'Every platform\'s and language\'s spelling of a catalog method.', alias: 'a spelling', code: 'payment_methods.code' },
  parse_failures: {
    '': 'What could not be read, with its raw text: a bad field is a failure, never a lost row.',
    id: 'failure id', run_id: RUN, url: 'page it came from', raw: 'the raw row or page text', error: 'what was wrong', field_path: 'the field that failed, e.g. adv.price', created_at: 'when recorded',
  },
  alerts: {
    '': 'Alerts raised from diffs and scores; dedup_key makes raising a fact twice a no-op.',
    id: 'alert id', kind: 'new_domestic_payment_method, new_domestic_facing_operator, operator_vanished, price_move, volume_move or baseline_digest',
    source_id: 'sources.id', run_id: 'crawl_runs.id of the run that raised it', operator_id: 'operators.id it concerns', listing_id: 'listings.id it concerns',
    subject: 'one readable line (may quote seller text; shown masked)', payload: 'the fact as JSON', dedup_key: 'names the fact and its baseline', created_at: 'when raised',
    acked_at: 'when acknowledged (otcwatch alerts ack)', baseline: "raised by a source's first run: not delivered one by one (sinks get the run's baseline_digest)",
  },
  alert_deliveries: {
    '': 'One row per (alert, sink): pending, sending, delivered or failed, with retries.',
    alert_id: 'alerts.id', sink: 'console, file or webhook', status: 'pending, sending, delivered or failed', attempts: 'attempts made', last_error: 'error of the last failed attempt',
    next_attempt_at: 'when a failed (or claimed) delivery may be tried again', delivered_at: 'when delivered',
  },
  operator_signals: {
    '': "One explainable signal of an operator's domestic-facing score, with its evidence.",
    operator_id: 'operators.id', signal: 'signal name, e.g. domestic_payment_rails', weight: 'points at full strength', strength: '0–1: how fully it holds', points: 'weight × strength',
    evidence: 'listing, run and observation ids and matched text behind it (contact handles in full)', run_id: 'run whose scoring wrote it', computed_at: 'when computed',
  },
  operator_scores: {
    '': "An operator's domestic-facing score: the sum of its signals' points.",
    operator_id: 'operators.id', score: '0–100', domestic_facing: 'score at or above the threshold (50)', run_id: 'run whose scoring wrote it', computed_at: 'when computed',
  },
  run_host_locations: {
    '': "Where a run's host was, by DNS and offline GeoIP.",
    run_id: RUN, host: 'host name', address: 'IP address resolved', country: 'ISO country, null when unknown', note: 'why the country is unknown', resolved_at: 'when resolved',
  },
  schedules: {
    '': 'Recurring crawls fired by otcwatch run.',
    id: 'schedule id', source_id: 'sources.id', cron: 'croner pattern (5 fields, or 6 with seconds first)', timezone: 'IANA zone the pattern is read in', max_pages: 'page cap of each crawl',
    enabled: 'false while paused', due_after: 'the first occurrence after this time is owed', last_run_id: 'crawl_runs.id of its last firing', created_at: 'when added',
  },
  v_listing_history: { '': 'Every observation of every listing in closed runs, with its run, source, attributes and payment methods.', ...LISTING_COLUMNS },
  v_current_listings: { '': 'The rows of v_listing_history for the latest complete or partial run of each source.', ...LISTING_COLUMNS },
  v_operator_payment_timeline: {
    '': "Per operator, run and payment method: how many of the operator's listings carried it, and how it was spelled.",
    operator_id: 'operators.id', platform: 'platform', operator_key: "the platform's id of the seller", operator_name: 'latest name', run_id: RUN, source_id: 'sources.id',
    run_started_at: 'run start', method_key: 'canonical code or unknown:<raw>', method_code: 'payment_methods.code, null when unknown', is_domestic: 'a mainland rail',
    listings: "operator's listings carrying it in the run", raw_texts: 'spellings seen',
  },
  v_new_payment_methods: {
    '': 'Per run: the methods an operator carried for the first time on a source where it had been seen before.',
    run_id: 'run where the method first appeared', source_id: 'sources.id', run_started_at: 'run start', operator_id: 'operators.id', platform: 'platform', operator_name: 'latest name',
    method_key: 'canonical code or unknown:<raw>', method_code: 'payment_methods.code', is_domestic: 'a mainland rail', raw_texts: 'spellings seen', listing_ids: 'listings.id carrying it',
  },
  v_domestic_facing_operators: {
    '': 'Operators whose score crossed the threshold, with their signals.',
    operator_id: 'operators.id', platform: 'platform', operator_key: "the platform's id of the seller", operator_name: 'latest name', score: '0–100',
    run_id: 'run whose scoring wrote it', computed_at: 'when computed', signals: 'JSON array of {signal, weight, strength, points, evidence}, strongest first',
  },
};
