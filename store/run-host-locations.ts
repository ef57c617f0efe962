import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Where a host was found: its address and country, or why the country is unknown. */
export interface HostLocation {
  host: string;
  address: string | null;
  /** ISO 3166-1 alpha-2, or null when unknown. */
  country: string | null;
  note: string | null;
}

/**
 * The host name a run crawled: its source's base URL host, as it is now.
 *
 * @example
 * await hostOfRun(db, 7); // "127.0.0.1"
 */
export async function hostOfRun(db: Kysely<Database>, runId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('crawl_runs as r')
    .innerJoin('sources as s', 's.id', 'r.source_id')
    .where('r.id', '=', runId)
    .select('s.base_url')
    .executeTakeFirst();
  return row ? new URL(row.base_url).hostname : undefined;
}

/**
 * The address a run's pages were fetched from, as its connections recorded
 * it at fetch time (the latest page's); undefined when none was recorded.
 *
 * @example
 * await connectedAddressOfRun(db, 7); // "203.0.113.9"
 */
export async function connectedAddressOfRun(db: Kysely<Database>, runId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('evidence')
    .select('server_ip')
    .where('run_id', '=', runId)
    .where('server_ip', 'is not', null)
    .orderBy('fetched_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.server_ip ?? undefined;
}

/**
 * Records (or replaces) where a run's host was.
 *
 * @example
 * await saveHostLocation(db, 7, { host: 'p2p.example', address: '203.0.113.9', country: 'SG', note: null });
 */
export async function saveHostLocation(db: Kysely<Database>, runId: number, location: HostLocation): Promise<void> {
  const values = { host: location.host, address: location.address, country: location.country, note: location.note };
  await db
    .insertInto('run_host_locations')
    .values({ run_id: runId, ...values })
    .onConflict((oc) => oc.column('run_id').doUpdateSet({ ...values, resolved_at: sql`now()` }))
    .execute();
}
