import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, EvidenceRecordsTable } from './schema.ts';

/**
 * For each WARC file a run has written to, where its last stored record
 * ends: what a resumed run keeps of the file (records past it belong to
 * pages that were never stored).
 *
 * @example
 * await archiveEnds(db, 7); // Map { 'warc/demo-api/run-7.warc.gz' => 48213 }
 */
export async function archiveEnds(db: Kysely<Database>, runId: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('evidence_records')
    .select(['warc_file', sql<string>`max(warc_offset + warc_length)`.as('end')])
    .where('run_id', '=', runId)
    .groupBy('warc_file')
    .execute();
  return new Map(rows.map((r) => [r.warc_file, Number(r.end)]));
}

/** A page's evidence row, with every record written for it, in file order. */
export interface PageEvidence {
  id: number;
  runId: number;
  url: string;
  method: string | null;
  fetchedAt: Date;
  outcome: 'ok' | 'failed';
  httpStatus: number | null;
  error: string | null;
  sha256: string | null;
  bytes: number | null;
  serverIp: string | null;
  /** The page's answer record; null for a page kept before WARC archives (then `bodyPath`). */
  answer: RecordLocation | null;
  bodyPath: string | null;
  archivePrunedAt: Date | null;
  records: StoredRecord[];
}

export interface RecordLocation {
  file: string;
  offset: number;
  length: number;
}

export interface StoredRecord extends RecordLocation {
  evidenceId: number;
  runId: number;
  type: string;
  recordId: string;
  targetUri: string;
  purpose: 'page' | 'robots';
  httpStatus: number | null;
  payloadSha256: string;
  blockSha256: string;
}

/**
 * The evidence of one page, by its own id or by an observation read from
 * it; undefined when there is none.
 *
 * @example
 * const page = await findPageEvidence(db, { observationId: 345 });
 * console.log(page?.answer); // { file: 'warc/demo-api/run-7.warc.gz', offset: 1431, length: 920 }
 */
export async function findPageEvidence(db: Kysely<Database>, ref: { evidenceId: number } | { observationId: number }): Promise<PageEvidence | undefined> {
  let query = db
    .selectFrom('evidence as e')
    .innerJoin('crawl_runs as r', 'r.id', 'e.run_id')
    .selectAll('e')
    .select('r.archive_pruned_at');
  query =
    'evidenceId' in ref
      ? query.where('e.id', '=', ref.evidenceId)
      : query.where('e.id', '=', (eb) => eb.selectFrom('listing_observations').select('evidence_id').where('id', '=', ref.observationId));
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const records = await db.selectFrom('evidence_records').selectAll().where('evidence_id', '=', row.id).orderBy('warc_file').orderBy('warc_offset').execute();
  return {
    id: row.id,
    runId: row.run_id,
    url: row.url,
    method: row.method,
    fetchedAt: row.fetched_at,
    outcome: row.outcome,
    httpStatus: row.http_status,
    error: row.error,
    sha256: row.sha256,
    bytes: row.bytes,
    serverIp: row.server_ip,
    answer: row.warc_file === null ? null : { file: row.warc_file, offset: Number(row.warc_offset), length: Number(row.warc_length) },
    bodyPath: row.body_path,
    archivePrunedAt: row.archive_pruned_at,
    records: records.map(storedRecord),
  };
}

/**
 * Every record of a run (or of every run), in file order, with the page
 * digest each answer record must match: what `evidence verify` re-reads.
 * Runs whose archive was pruned are left out and counted.
 *
 * @example
 * const { records, pages, pruned } = await recordsToVerify(db, { runId: 7 });
 */
export async function recordsToVerify(
  db: Kysely<Database>,
  scope: { runId?: number },
): Promise<{ records: StoredRecord[]; pages: { id: number; sha256: string; answer: RecordLocation }[]; pruned: number[] }> {
  const pruned = await db
    .selectFrom('crawl_runs')
    .select('id')
    .where('archive_pruned_at', 'is not', null)
    .$if(scope.runId !== undefined, (q) => q.where('id', '=', scope.runId!))
    .execute();
  const records = await db
    .selectFrom('evidence_records as x')
    .innerJoin('crawl_runs as r', 'r.id', 'x.run_id')
    .selectAll('x')
    .where('r.archive_pruned_at', 'is', null)
    .$if(scope.runId !== undefined, (q) => q.where('x.run_id', '=', scope.runId!))
    .orderBy('x.warc_file')
    .orderBy('x.warc_offset')
    .execute();
  const pages = await db
    .selectFrom('evidence as e')
    .innerJoin('crawl_runs as r', 'r.id', 'e.run_id')
    .select(['e.id', 'e.sha256', 'e.warc_file', 'e.warc_offset', 'e.warc_length'])
    .where('r.archive_pruned_at', 'is', null)
    .where('e.warc_file', 'is not', null)
    .where('e.sha256', 'is not', null)
    .$if(scope.runId !== undefined, (q) => q.where('e.run_id', '=', scope.runId!))
    .execute();
  return {
    records: records.map(storedRecord),
    pages: pages.map((p) => ({ id: p.id, sha256: p.sha256!, answer: { file: p.warc_file!, offset: Number(p.warc_offset), length: Number(p.warc_length) } })),
    pruned: pruned.map((r) => r.id),
  };
}

/**
 * A run's archive as a WACZ package needs it: its files, and each page read
 * well (URL, time, status) for `pages.jsonl`.
 *
 * @example
 * const { files, pages } = await runArchiveContents(db, 7);
 */
export async function runArchiveContents(
  db: Kysely<Database>,
  runId: number,
): Promise<{ sourceId: string; files: string[]; pages: { url: string; fetchedAt: Date; status: number | null }[]; prunedAt: Date | null } | undefined> {
  const run = await db.selectFrom('crawl_runs').select(['source_id', 'archive_pruned_at']).where('id', '=', runId).executeTakeFirst();
  if (!run) return undefined;
  const files = await db.selectFrom('evidence_records').select('warc_file').distinct().where('run_id', '=', runId).orderBy('warc_file').execute();
  const pages = await db
    .selectFrom('evidence')
    .select(['url', 'fetched_at', 'http_status'])
    .where('run_id', '=', runId)
    .where('outcome', '=', 'ok')
    .where('warc_file', 'is not', null)
    .orderBy('fetched_at')
    .execute();
  return {
    sourceId: run.source_id,
    files: files.map((f) => f.warc_file),
    pages: pages.map((p) => ({ url: p.url, fetchedAt: p.fetched_at, status: p.http_status })),
    prunedAt: run.archive_pruned_at,
  };
}

/**
 * Closed runs finished before `before` whose archive is still kept, with
 * their files: what `evidence prune` removes.
 *
 * @example
 * const runs = await archivesOlderThan(db, new Date(Date.now() - 90 * 86_400_000));
 */
export async function archivesOlderThan(db: Kysely<Database>, before: Date): Promise<{ runId: number; files: string[] }[]> {
  const rows = await db
    .selectFrom('crawl_runs as r')
    .innerJoin('evidence_records as x', 'x.run_id', 'r.id')
    .select(['r.id', 'x.warc_file'])
    .distinct()
    .where('r.status', '<>', 'running')
    .where('r.finished_at', '<', before)
    .where('r.archive_pruned_at', 'is', null)
    .orderBy('r.id')
    .execute();
  const byRun = new Map<number, string[]>();
  for (const row of rows) byRun.set(row.id, [...(byRun.get(row.id) ?? []), row.warc_file]);
  return [...byRun].map(([runId, files]) => ({ runId, files }));
}

/**
 * Marks runs' archives as removed; their evidence rows and digests stay.
 *
 * @example
 * await markArchivesPruned(db, [3, 4]);
 */
export async function markArchivesPruned(db: Kysely<Database>, runIds: number[]): Promise<void> {
  if (runIds.length === 0) return;
  await db.updateTable('crawl_runs').set({ archive_pruned_at: new Date() }).where('id', 'in', runIds).execute();
}

function storedRecord(r: Selectable<EvidenceRecordsTable>): StoredRecord {
  return {
    evidenceId: r.evidence_id,
    runId: r.run_id,
    file: r.warc_file,
    offset: Number(r.warc_offset),
    length: Number(r.warc_length),
    type: r.warc_type,
    recordId: r.record_id,
    targetUri: r.target_uri,
    purpose: r.purpose,
    httpStatus: r.http_status,
    payloadSha256: r.payload_sha256,
    blockSha256: r.block_sha256,
  };
}
