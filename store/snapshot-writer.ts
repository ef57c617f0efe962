import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { CrawledPage } from '../crawler/crawl-runner.ts';
import type { ArchivedExchange, ArchivedRecord } from '../crawler/evidence/warc-writer.ts';
import type { NormalizedListing } from '../crawler/listing.ts';
import { jsonRows } from './json-rows.ts';
import { observationRow, parseFailureRow, paymentMethodRows } from './observation-rows.ts';
import type { Database, ParseFailuresTable, RunStatus } from './schema.ts';

/**
 * One page of a crawl as the store records it: the crawl runner's page. A
 * hand-made page may leave out its request key (then its URL) and its next
 * requests.
 */
export type SnapshotPage = Omit<CrawledPage, 'requestKey' | 'next'> & Partial<Pick<CrawledPage, 'requestKey' | 'next'>>;

export interface Snapshot {
  runId: number;
  /** Operators and listings are keyed per platform. */
  platform: string;
  status: Exclude<RunStatus, 'running'>;
  error: string | null;
  pages: SnapshotPage[];
}

/** Rows per INSERT; keeps every statement well under Postgres' 65,535 parameters. */
const BATCH = 1000;

/**
 * Writes a whole snapshot and closes its run in one transaction: the pages
 * (`writeRunPages`) and the closing (`closeRun`) land together or not at
 * all. What tests and imports of finished crawls use; a live crawl
 * journals its pages as they are read and closes the run at the end.
 *
 * @example
 * await writeSnapshot(db, { runId, platform: 'demo', status: 'complete', error: null, pages });
 */
export async function writeSnapshot(db: Kysely<Database>, snapshot: Snapshot): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await writeRunPages(trx, { runId: snapshot.runId, platform: snapshot.platform, pages: snapshot.pages });
    await closeRun(trx, { runId: snapshot.runId, status: snapshot.status, error: snapshot.error });
  });
}

/**
 * Stores pages of a running run, in one transaction: their evidence,
 * operators, listings, observations, payment methods and parse failures,
 * and their journal rows (`run_pages`). A page already stored under the
 * same request key is replaced, never duplicated — or, with `replacing`,
 * only the pages of those keys (a caller that knows the rest were never
 * stored skips four deletes a batch). A listing seen on two pages of a run
 * is kept once: the first stored sighting wins.
 *
 * @example
 * await writeRunPages(db, { runId, platform: 'demo', pages: [page] });
 */
export async function writeRunPages(
  db: Kysely<Database>,
  batch: { runId: number; platform: string; pages: SnapshotPage[]; replacing?: string[] },
): Promise<void> {
  if (batch.pages.length === 0) return;
  const pages = batch.pages.map((p) => ({ ...p, requestKey: p.requestKey ?? `GET ${p.url} `, next: p.next ?? [] }));
  const write = async (trx: Transaction<Database>) => {
    await forgetPages(trx, batch.runId, batch.replacing ?? pages.map((p) => p.requestKey));
    const evidenceIds = await insertEvidence(trx, batch.runId, pages);
    const sightings = firstSightings(pages, evidenceIds);
    const operatorIds = await upsertOperators(trx, batch.platform, sightings);
    const listingIds = await upsertListings(trx, batch.platform, sightings, operatorIds);
    const { observed, fieldFailures } = await insertObservations(trx, batch.runId, sightings, operatorIds, listingIds);
    await insertPaymentMethods(trx, batch.runId, sightings.filter((s) => observed.has(listingIds.get(s.listing.listingKey)!)), listingIds);
    const failures = [...pages.flatMap((p) => p.failures.map((f) => ({ ...parseFailureRow(f, { runId: batch.runId }), request_key: p.requestKey }))), ...fieldFailures];
    for (const rows of chunks(failures)) await trx.insertInto('parse_failures').values(rows).execute();
    await insertJournal(trx, batch.runId, pages, evidenceIds);
  };
  // Inside a caller's transaction (writeSnapshot) the pages join it; alone they get their own.
  if (db.isTransaction) await write(db as Transaction<Database>);
  else await db.transaction().execute(write);
}

/**
 * Closes a running run, in one statement: its final status and error, and
 * its counts read from what was stored (so pages read before a resume
 * count too). With `owner`, only the process that holds the run may close
 * it. Throws when the run is no longer running (or held by another): a
 * closed run never changes status.
 *
 * @example
 * await closeRun(db, { runId, status: 'complete', error: null, owner });
 */
export async function closeRun(
  db: Kysely<Database>,
  close: { runId: number; status: Exclude<RunStatus, 'running'>; error: string | null; owner?: string },
): Promise<void> {
  const { runId } = close;
  let query = db
    .updateTable('crawl_runs')
    .set((eb) => ({
      status: close.status,
      finished_at: new Date(),
      error: close.error,
      owner: null,
      pages_ok: eb.selectFrom('run_pages').where('run_id', '=', runId).where('outcome', '=', 'ok').select(sql<number>`count(*)::int`.as('n')),
      pages_failed: eb.selectFrom('run_pages').where('run_id', '=', runId).where('outcome', '=', 'failed').select(sql<number>`count(*)::int`.as('n')),
      listings_count: eb.selectFrom('listing_observations').where('run_id', '=', runId).select(sql<number>`count(*)::int`.as('n')),
      parse_failures_count: eb.selectFrom('parse_failures').where('run_id', '=', runId).select(sql<number>`count(*)::int`.as('n')),
    }))
    .where('id', '=', runId)
    .where('status', '=', 'running');
  if (close.owner !== undefined) query = query.where('owner', '=', close.owner);
  const result = await query.executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    throw new RunNotHeldError(`run #${runId} is no longer running${close.owner ? ' under this process' : ''}: another process closed or took it over`);
  }
}

/** A run this process meant to write was closed or taken over by another. */
export class RunNotHeldError extends Error {
  override readonly name = 'RunNotHeldError';
}

/** Deletes what earlier writes of these requests stored, so a re-read page replaces them. */
async function forgetPages(trx: Transaction<Database>, runId: number, requestKeys: string[]): Promise<void> {
  for (const keys of chunks(requestKeys)) {
    await trx.deleteFrom('listing_payment_methods').where('run_id', '=', runId).where('request_key', 'in', keys).execute();
    await trx.deleteFrom('listing_observations').where('run_id', '=', runId).where('request_key', 'in', keys).execute();
    await trx.deleteFrom('parse_failures').where('run_id', '=', runId).where('request_key', 'in', keys).execute();
    await trx.deleteFrom('run_pages').where('run_id', '=', runId).where('request_key', 'in', keys).execute();
  }
}

async function insertJournal(trx: Transaction<Database>, runId: number, pages: JournalledPage[], evidenceIds: number[]): Promise<void> {
  // A request read twice in one batch keeps its last reading.
  const byKey = new Map(pages.map((p, index) => [p.requestKey, { page: p, evidenceId: evidenceIds[index]! }]));
  for (const batch of chunks([...byKey.values()])) {
    await trx
      .insertInto('run_pages')
      .values(
        batch.map(({ page, evidenceId }) => ({
          run_id: runId,
          request_key: page.requestKey,
          url: page.url,
          outcome: page.outcome,
          error: page.error,
          fetched_at: page.fetchedAt,
          evidence_id: evidenceId,
          listings: page.listings.length,
          parse_failures: page.failures.length,
          next_requests: JSON.stringify(page.next),
        })),
      )
      .execute();
  }
}

type JournalledPage = SnapshotPage & Pick<CrawledPage, 'requestKey' | 'next'>;

interface Sighting {
  listing: NormalizedListing;
  observedAt: Date;
  evidenceId: number;
  requestKey: string;
}

function firstSightings(pages: JournalledPage[], evidenceIds: number[]): Sighting[] {
  const byKey = new Map<string, Sighting>();
  pages.forEach((page, index) => {
    for (const listing of page.listings) {
      if (!byKey.has(listing.listingKey)) {
        byKey.set(listing.listingKey, { listing, observedAt: page.fetchedAt, evidenceId: evidenceIds[index]!, requestKey: page.requestKey });
      }
    }
  });
  return [...byKey.values()];
}

async function insertEvidence(trx: Transaction<Database>, runId: number, allPages: SnapshotPage[]): Promise<number[]> {
  const ids: number[] = [];
  for (const pages of chunks(allPages)) {
    const rows = await trx
      .insertInto('evidence')
      .values(
        pages.map((p) => {
          const answer = answerRecord(p);
          return {
            run_id: runId,
            url: p.url,
            fetched_at: p.fetchedAt,
            outcome: p.outcome,
            http_status: p.httpStatus,
            error: p.error,
            sha256: p.sha256,
            bytes: p.bytes,
            method: answer?.exchange.method ?? null,
            server_ip: p.serverIp ?? answer?.exchange.serverIp ?? null,
            warc_file: answer?.exchange.file ?? null,
            warc_offset: answer?.record.offset ?? null,
            warc_length: answer?.record.length ?? null,
          };
        }),
      )
      .returning('id')
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  const records = allPages.flatMap((page, index) =>
    page.exchanges.flatMap((exchange) =>
      exchange.records.map((record) => ({
        evidence_id: ids[index]!,
        run_id: runId,
        warc_file: exchange.file,
        warc_offset: record.offset,
        warc_length: record.length,
        warc_type: record.type,
        record_id: record.recordId,
        target_uri: record.targetUri,
        purpose: exchange.purpose,
        method: exchange.method,
        http_status: exchange.status,
        server_ip: exchange.serverIp,
        recorded_at: exchange.sentAt,
        payload_sha256: record.payloadSha256,
        block_sha256: record.blockSha256,
      })),
    ),
  );
  for (const rows of chunks(records)) await trx.insertInto('evidence_records').values(rows).execute();
  return ids;
}

/** The record that answers a page: of its last attempt, the response — or the metadata saying no answer came. */
function answerRecord(page: SnapshotPage): { exchange: ArchivedExchange; record: ArchivedRecord } | null {
  const exchange = page.exchanges.findLast((e) => e.purpose === 'page');
  const record = exchange?.records.find((r) => r.type === 'response' || r.type === 'metadata');
  return exchange && record ? { exchange, record } : null;
}

async function upsertOperators(trx: Transaction<Database>, platform: string, sightings: Sighting[]): Promise<Map<string, number>> {
  const latest = new Map<string, Sighting>();
  for (const s of sightings) latest.set(s.listing.operatorKey, s);
  const rows = [...latest.values()].map((s) => ({
    platform,
    platform_key: s.listing.operatorKey,
    name: s.listing.operatorName,
    first_seen_at: s.observedAt,
    last_seen_at: s.observedAt,
  }));
  return upsertByPlatformKey(trx, 'operators', rows, ['name', 'last_seen_at']);
}

async function upsertListings(
  trx: Transaction<Database>,
  platform: string,
  sightings: Sighting[],
  operatorIds: Map<string, number>,
): Promise<Map<string, number>> {
  const rows = sightings.map(({ listing, observedAt }) => ({
    platform,
    platform_key: listing.listingKey,
    operator_id: operatorIds.get(listing.operatorKey)!,
    side: listing.side,
    asset: listing.asset,
    fiat: listing.fiat,
    first_seen_at: observedAt,
    last_seen_at: observedAt,
  }));
  return upsertByPlatformKey(trx, 'listings', rows, ['operator_id', 'last_seen_at']);
}

/**
 * Upserts operators or listings, keyed by (platform, platform_key): a known
 * key takes the `updated` columns of its new row. Answers each key's id.
 */
async function upsertByPlatformKey<T extends 'operators' | 'listings'>(
  trx: Transaction<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
  updated: readonly (keyof Insertable<Database[T]> & string)[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (rows.length === 0) return ids;
  const { columns, select } = jsonRows(table, rows);
  // Kysely cannot type a query over either table; both have the identity columns it names.
  const stored: { id: number; platform_key: string }[] = await (trx as Transaction<any>)
    .insertInto(table as string)
    .columns(columns)
    .expression(select)
    .onConflict((oc) => oc.columns(['platform', 'platform_key']).doUpdateSet(Object.fromEntries(updated.map((column) => [column, sql.ref(`excluded.${column}`)]))))
    .returning(['id', 'platform_key'])
    .execute();
  for (const row of stored) ids.set(row.platform_key, row.id);
  return ids;
}

/** Inserts the observations; returns the listings observed and the parse failures of their fields, linked to their observations. */
async function insertObservations(
  trx: Transaction<Database>,
  runId: number,
  sightings: Sighting[],
  operatorIds: Map<string, number>,
  listingIds: Map<string, number>,
): Promise<{ observed: Set<number>; fieldFailures: Insertable<ParseFailuresTable>[] }> {
  const observed = new Set<number>();
  const fieldFailures: Insertable<ParseFailuresTable>[] = [];
  if (sightings.length === 0) return { observed, fieldFailures };
  const { columns, select } = jsonRows(
    'listing_observations',
    sightings.map(({ listing, observedAt, evidenceId, requestKey }) => ({
      ...observationRow(listing, { runId, listingId: listingIds.get(listing.listingKey)!, operatorId: operatorIds.get(listing.operatorKey)!, observedAt, evidenceId }),
      request_key: requestKey,
    })),
  );
  const rows = await trx
    .insertInto('listing_observations')
    .columns(columns)
    .expression(select)
    // Seen on an earlier page of the run: that sighting stands.
    .onConflict((oc) => oc.columns(['run_id', 'listing_id']).doNothing())
    .returning(['id', 'listing_id'])
    .execute();
  const observationIds = new Map(rows.map((row) => [row.listing_id, row.id]));
  for (const { listing, requestKey } of sightings) {
    const observationId = observationIds.get(listingIds.get(listing.listingKey)!);
    if (observationId === undefined) continue;
    for (const failure of listing.fieldFailures ?? []) fieldFailures.push({ ...parseFailureRow(failure, { runId, observationId }), request_key: requestKey });
  }
  for (const row of rows) observed.add(row.listing_id);
  return { observed, fieldFailures };
}

async function insertPaymentMethods(
  trx: Transaction<Database>,
  runId: number,
  sightings: Sighting[],
  listingIds: Map<string, number>,
): Promise<void> {
  const rows = sightings.flatMap(({ listing, requestKey }) =>
    paymentMethodRows(listing, { runId, listingId: listingIds.get(listing.listingKey)! }).map((row) => ({ ...row, request_key: requestKey })),
  );
  if (rows.length === 0) return;
  const { columns, select } = jsonRows('listing_payment_methods', rows);
  await trx.insertInto('listing_payment_methods').columns(columns).expression(select).execute();
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}
