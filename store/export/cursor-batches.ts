import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * Reads a query's rows in batches from a server-side cursor (`DECLARE …
 * NO SCROLL CURSOR` / `FETCH FORWARD n` inside one read-only transaction),
 * so memory holds one batch however many rows the query returns. The same
 * code runs on Postgres and PGlite. `onBatch` is awaited before the next
 * fetch: a slow writer slows the reading, nothing piles up.
 *
 * @example
 * await forEachBatch(db, sql`select id from listing_observations`, 10_000, async (rows) => { await write(rows); });
 */
export async function forEachBatch<Row>(
  db: Kysely<any>,
  query: RawBuilder<Row>,
  batchSize: number,
  onBatch: (rows: Row[]) => Promise<void>,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`set transaction read only`.execute(trx);
    await sql`declare otcwatch_export no scroll cursor for ${query}`.execute(trx);
    let total = 0;
    for (;;) {
      const { rows } = await sql<Row>`fetch forward ${sql.raw(String(Math.trunc(batchSize)))} from otcwatch_export`.execute(trx);
      if (rows.length === 0) break;
      total += rows.length;
      await onBatch(rows);
    }
    await sql`close otcwatch_export`.execute(trx);
    return total;
  });
}
