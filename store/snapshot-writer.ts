import type { Kysely, Transaction } from 'kysely';
import type { CrawledPage } from '../crawler/crawl-runner.ts';
import type { NormalizedListing } from '../crawler/listing.ts';
import type { Database, RunStatus } from './schema.ts';

/** One page of a crawl as the store records it: the crawl runner's page, evidence and parsed rows. */
export type SnapshotPage = CrawledPage;

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
 * Writes a whole snapshot in one transaction and closes its run. Either
 * every row of the run lands together with its final status, or none does
 * and the run stays `running` (then `failed` as abandoned).
 *
 * A listing seen twice in one run (pages shifting while being read) is
 * kept once: the first sighting wins.
 *
 * @example
 * await writeSnapshot(db, { runId, platform: 'demo', status: 'complete', error: null, pages });
 */
export async function writeSnapshot(db: Kysely<Database>, snapshot: Snapshot): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const evidenceIds = await insertEvidence(trx, snapshot);
    const sightings = firstSightings(snapshot.pages, evidenceIds);
    const operatorIds = await upsertOperators(trx, snapshot.platform, sightings);
    const listingIds = await upsertListings(trx, snapshot.platform, sightings, operatorIds);
    await insertObservations(trx, snapshot.runId, sightings, operatorIds, listingIds);
    await insertPaymentMethods(trx, snapshot.runId, sightings, listingIds);
    const failures = snapshot.pages.flatMap((p) => p.failures);
    for (const rows of chunks(failures)) {
      await trx
        .insertInto('parse_failures')
        .values(rows.map((f) => ({ run_id: snapshot.runId, url: f.url, raw: f.raw, error: f.error, field_path: f.fieldPath })))
        .execute();
    }
    await trx
      .updateTable('crawl_runs')
      .set({
        status: snapshot.status,
        finished_at: new Date(),
        error: snapshot.error,
        pages_ok: snapshot.pages.filter((p) => p.outcome === 'ok').length,
        pages_failed: snapshot.pages.filter((p) => p.outcome === 'failed').length,
        listings_count: sightings.length,
        parse_failures_count: failures.length,
      })
      .where('id', '=', snapshot.runId)
      .execute();
  });
}

interface Sighting {
  listing: NormalizedListing;
  observedAt: Date;
  evidenceId: number;
}

function firstSightings(pages: SnapshotPage[], evidenceIds: number[]): Sighting[] {
  const byKey = new Map<string, Sighting>();
  pages.forEach((page, index) => {
    for (const listing of page.listings) {
      if (!byKey.has(listing.listingKey)) {
        byKey.set(listing.listingKey, { listing, observedAt: page.fetchedAt, evidenceId: evidenceIds[index]! });
      }
    }
  });
  return [...byKey.values()];
}

async function insertEvidence(trx: Transaction<Database>, snapshot: Snapshot): Promise<number[]> {
  const ids: number[] = [];
  for (const pages of chunks(snapshot.pages)) {
    const rows = await trx
      .insertInto('evidence')
      .values(
        pages.map((p) => ({
          run_id: snapshot.runId,
          url: p.url,
          fetched_at: p.fetchedAt,
          outcome: p.outcome,
          http_status: p.httpStatus,
          error: p.error,
          sha256: p.sha256,
          bytes: p.bytes,
          body_path: p.bodyPath,
          screenshot_path: p.screenshotPath,
          screenshot_sha256: p.screenshotSha256,
        })),
      )
      .returning('id')
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

async function upsertOperators(trx: Transaction<Database>, platform: string, sightings: Sighting[]): Promise<Map<string, number>> {
  const latest = new Map<string, Sighting>();
  for (const s of sightings) latest.set(s.listing.operatorKey, s);
  const ids = new Map<string, number>();
  for (const batch of chunks([...latest.values()])) {
    const rows = await trx
      .insertInto('operators')
      .values(
        batch.map((s) => ({
          platform,
          platform_key: s.listing.operatorKey,
          name: s.listing.operatorName,
          first_seen_at: s.observedAt,
          last_seen_at: s.observedAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['platform', 'platform_key']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          last_seen_at: eb.ref('excluded.last_seen_at'),
        })),
      )
      .returning(['id', 'platform_key'])
      .execute();
    for (const row of rows) ids.set(row.platform_key, row.id);
  }
  return ids;
}

async function upsertListings(
  trx: Transaction<Database>,
  platform: string,
  sightings: Sighting[],
  operatorIds: Map<string, number>,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const batch of chunks(sightings)) {
    const rows = await trx
      .insertInto('listings')
      .values(
        batch.map(({ listing, observedAt }) => ({
          platform,
          platform_key: listing.listingKey,
          operator_id: operatorIds.get(listing.operatorKey)!,
          side: listing.side,
          asset: listing.asset,
          fiat: listing.fiat,
          first_seen_at: observedAt,
          last_seen_at: observedAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['platform', 'platform_key']).doUpdateSet((eb) => ({
          operator_id: eb.ref('excluded.operator_id'),
          last_seen_at: eb.ref('excluded.last_seen_at'),
        })),
      )
      .returning(['id', 'platform_key'])
      .execute();
    for (const row of rows) ids.set(row.platform_key, row.id);
  }
  return ids;
}

async function insertObservations(
  trx: Transaction<Database>,
  runId: number,
  sightings: Sighting[],
  operatorIds: Map<string, number>,
  listingIds: Map<string, number>,
): Promise<void> {
  for (const batch of chunks(sightings)) {
    await trx
      .insertInto('listing_observations')
      .values(
        batch.map(({ listing, observedAt, evidenceId }) => ({
          run_id: runId,
          listing_id: listingIds.get(listing.listingKey)!,
          operator_id: operatorIds.get(listing.operatorKey)!,
          observed_at: observedAt,
          operator_name: listing.operatorName,
          price: listing.price,
          available: listing.available,
          min_order: listing.minOrder,
          max_order: listing.maxOrder,
          terms: listing.terms,
          completion_rate: listing.completionRate,
          order_count: listing.orderCount,
          month_order_count: listing.monthOrderCount,
          evidence_id: evidenceId,
        })),
      )
      .execute();
  }
}

async function insertPaymentMethods(
  trx: Transaction<Database>,
  runId: number,
  sightings: Sighting[],
  listingIds: Map<string, number>,
): Promise<void> {
  const rows = sightings.flatMap(({ listing }) => {
    const seen = new Set<string>();
    return listing.paymentMethods.flatMap((method) => {
      const methodKey = method.code ?? `unknown:${method.raw}`;
      if (seen.has(methodKey)) return [];
      seen.add(methodKey);
      return [{ run_id: runId, listing_id: listingIds.get(listing.listingKey)!, method_key: methodKey, method_code: method.code, raw_text: method.raw }];
    });
  });
  for (const batch of chunks(rows)) await trx.insertInto('listing_payment_methods').values(batch).execute();
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}
