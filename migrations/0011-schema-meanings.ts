import type { Kysely } from 'kysely';
import { clearComments, writeComments, type SchemaComments } from './comments.ts';

/**
 * `COMMENT ON` the tables and columns that migrations 0005–0010 added
 * without one, so `otcwatch schema` gives every table, view and column of
 * the store a meaning (a test holds every later migration to the same).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await writeComments(db, COMMENTS);
}

export async function down(db: Kysely<any>): Promise<void> {
  await clearComments(db, COMMENTS);
}

const REQUEST_KEY = "run_pages.request_key of the page it was read from (a re-read page replaces its rows)";
const REFUSED = "payment-method codes the listing's terms refuse (不收支付宝), never counted as accepted";
const NEGOTIABLE = 'the price reads as negotiable (面议, 私聊); price is then null';

const COMMENTS: SchemaComments = {
  crawl_runs: {
    owner: 'the process holding a running run (host:pid:…); a run is live while its heartbeat is fresh',
    heartbeat_at: "the owner's last heartbeat; a running run whose heartbeat is older than the lease is resumed by the next crawl",
    resumed_count: 'how many times a crashed run was taken over and resumed from its stored pages',
    analysed_at: "when the run's diff, scores and alerts were stored; null for a closed run still to be analysed",
  },
  run_pages: {
    '': 'The journal of a run: one row per page read (or failed), written as it is read, so a killed crawl resumes from it.',
    run_id: 'crawl_runs.id',
    request_key: 'a stable key of the request (method, URL, body): a page read again replaces its row',
    url: 'the URL fetched',
    outcome: 'ok, or failed (error says why)',
    error: 'why the page failed',
    fetched_at: 'when the page was fetched',
    evidence_id: 'evidence.id of the body read',
    listings: 'listings read from the page',
    parse_failures: 'parse failures on the page',
    next_requests: 'the requests this page planned (next pages), replayed when the run resumes',
  },
  listing_observations: { request_key: REQUEST_KEY, price_negotiable: NEGOTIABLE },
  listing_payment_methods: {
    request_key: REQUEST_KEY,
    stance: 'accepted, or refused (the terms say the method is not taken); only accepted methods count anywhere',
    source: 'where the method was read: structured (a field), icon (an image or attribute) or text (the terms)',
  },
  parse_failures: { request_key: REQUEST_KEY, observation_id: 'listing_observations.id the failed field belongs to; null when the whole row or page failed' },
  v_listing_history: { refused_payment_methods: REFUSED, price_negotiable: NEGOTIABLE },
  v_current_listings: { refused_payment_methods: REFUSED, price_negotiable: NEGOTIABLE },
  workers: {
    '': 'otcwatch worker, scheduler and run processes, with their heartbeats (otcwatch status).',
    id: 'host:pid:start of the process',
    kind: 'worker, scheduler or run',
    host: 'host name',
    pid: 'process id',
    concurrency: 'crawls it runs at once',
    started_at: 'when it started',
    heartbeat_at: 'its last heartbeat; an old one means the process is gone',
    stopped_at: 'when it stopped cleanly',
    jobs_done: 'crawl jobs it finished',
    jobs_failed: 'crawl jobs that failed in it',
    last_error: 'the last job error',
  },
  host_slots: {
    '': 'The cluster-wide side of the per-host limiter: the last request start on each host and the strictest gap declared there.',
    host: 'host (and port) requests go to',
    last_start_at: 'when the last request to the host was claimed to start, by any process',
    claimed_by: 'the token of that claim, so a claimer can tell it won',
    gap_ms: 'the largest minimum gap any source declared for the host',
    gap_until: 'how long that declaration holds unless renewed',
  },
  catalog_versions: {
    '': 'The sha256 of each catalog the code last wrote into the store (payment methods, built-in sources): rewritten only when it moved.',
    name: 'the catalog: payment-methods or builtin-sources',
    sha256: 'sha256 of what was written',
    written_at: 'when it was written',
  },
  operator_source_firsts: {
    '': 'The first run of each source that saw each operator, stored when the run was analysed.',
    source_id: 'sources.id',
    operator_id: 'operators.id',
    first_run_id: 'crawl_runs.id of that first run',
  },
  operator_method_firsts: {
    '': 'The first run of each source in which an operator carried each accepted payment method.',
    source_id: 'sources.id',
    operator_id: 'operators.id',
    method_key: 'canonical code or unknown:<raw>',
    first_run_id: 'crawl_runs.id of that first run',
  },
  run_new_payment_methods: {
    '': 'Per run: the methods an operator carried for the first time on a source that had seen it before (read by v_new_payment_methods).',
    run_id: 'crawl_runs.id',
    source_id: 'sources.id',
    operator_id: 'operators.id',
    method_key: 'canonical code or unknown:<raw>',
    method_code: 'payment_methods.code, null when unknown',
    raw_texts: 'spellings seen',
    listing_ids: 'listings.id carrying it',
  },
};
