import { sql, type Kysely } from 'kysely';
import { COMMENTS as BASELINE_COMMENTS } from './0008-baseline-alerts.ts';
import { writeComments, type SchemaComments } from './comments.ts';

/**
 * Evidence in WARC archives (crawler/evidence/warc-writer.ts):
 *
 * - `evidence` (one row per page) points at the page's response record in
 *   its run's WARC file, and keeps the method and the server's address;
 * - `evidence_records` has one row per record written for the page —
 *   request, response, the metadata of an attempt that got no answer, a
 *   browser page's DOM and screenshot — for every attempt, redirect hop
 *   and robots.txt read, with the digests `evidence verify` re-computes;
 * - `crawl_runs.archive_pruned_at` says a run's archive was removed by
 *   `evidence prune` (its rows and digests stay).
 *
 * Rows of runs crawled before this migration keep their `body_path` side
 * files and have no records.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('evidence')
    .addColumn('method', 'text')
    .addColumn('server_ip', 'text')
    .addColumn('warc_file', 'text')
    .addColumn('warc_offset', 'bigint')
    .addColumn('warc_length', 'bigint')
    .execute();
  await db.schema
    .createTable('evidence_records')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('evidence_id', 'integer', (c) => c.notNull().references('evidence.id').onDelete('cascade'))
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_runs.id').onDelete('cascade'))
    .addColumn('warc_file', 'text', (c) => c.notNull())
    .addColumn('warc_offset', 'bigint', (c) => c.notNull())
    .addColumn('warc_length', 'bigint', (c) => c.notNull())
    .addColumn('warc_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull().unique())
    .addColumn('target_uri', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('page', 'robots')`))
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('server_ip', 'text')
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('payload_sha256', 'text', (c) => c.notNull())
    .addColumn('block_sha256', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evidence_records_run_file').on('evidence_records').columns(['run_id', 'warc_file', 'warc_offset']).execute();
  await db.schema.createIndex('evidence_records_evidence').on('evidence_records').column('evidence_id').execute();
  await db.schema.alterTable('crawl_runs').addColumn('archive_pruned_at', 'timestamptz').execute();
  await writeComments(db, COMMENTS);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('crawl_runs').dropColumn('archive_pruned_at').execute();
  await db.schema.dropTable('evidence_records').execute();
  await db.schema.alterTable('evidence').dropColumn('method').dropColumn('server_ip').dropColumn('warc_file').dropColumn('warc_offset').dropColumn('warc_length').execute();
  await writeComments(db, { evidence: BASELINE_COMMENTS.evidence! });
}

const COMMENTS: SchemaComments = {
  evidence: {
    '': 'One page read (or failed) by a run: URL, time, status and sha256 of the exact bytes received; the page\'s response record in the run\'s WARC archive (otcwatch evidence show <id>).',
    id: 'evidence id (otcwatch evidence show <id>)',
    sha256: 'sha256 of the body bytes exactly as received (before any charset decoding); equals the payload digest of the response record',
    bytes: 'size of those bytes',
    body_path: 'runs before WARC archives only: file of the body under the data folder',
    screenshot_path: 'runs before WARC archives only: file of the PNG screenshot',
    screenshot_sha256: 'runs before WARC archives only: sha256 of the screenshot',
    method: 'HTTP method of the page request (GET, POST)',
    server_ip: 'address of the server that answered, taken from the connection at fetch time',
    warc_file: "the run's WARC file, relative to the data folder",
    warc_offset: "byte offset of the page's response record (its gzip member) in warc_file; of its metadata record when no answer came",
    warc_length: 'length in bytes of that record',
  },
  evidence_records: {
    '': 'Every WARC record written for a page: request and response of each attempt, redirect hop and robots.txt read, metadata of an attempt that got no answer, a browser page\'s DOM (conversion) and screenshot (resource).',
    id: 'record row id',
    evidence_id: 'evidence.id of the page it was written for',
    run_id: 'crawl_runs.id',
    warc_file: 'WARC file, relative to the data folder',
    warc_offset: "byte offset of the record's gzip member in the file",
    warc_length: 'length in bytes of the gzip member',
    warc_type: 'WARC-Type: request, response, metadata, conversion or resource',
    record_id: 'WARC-Record-ID (<urn:uuid:…>)',
    target_uri: 'WARC-Target-URI (urn:screenshot:<url> for a screenshot)',
    purpose: 'page (the page itself) or robots (robots.txt read on its behalf)',
    method: 'HTTP method of the exchange',
    http_status: 'HTTP status of the exchange; null when no answer came',
    server_ip: 'WARC-IP-Address: the server the request was sent to, from the connection',
    recorded_at: 'WARC-Date of the record',
    payload_sha256: 'sha256 of the payload (WARC-Payload-Digest): the body as received, as sent, or the rendering',
    block_sha256: 'sha256 of the whole block, HTTP head included (WARC-Block-Digest)',
  },
  crawl_runs: {
    archive_pruned_at: "when otcwatch evidence prune removed the run's WARC archive (its rows and digests stay); null while it is kept",
  },
};
