import { sql, type Kysely } from 'kysely';

/**
 * Runs an investigator's SQL. Read-only by default: the statement runs in a
 * `READ ONLY` transaction, so a typo cannot change the evidence.
 *
 * @example
 * const rows = await runSql(store.db, 'select count(*) from listings');
 */
export async function runSql(db: Kysely<any>, statement: string, options: { write?: boolean } = {}): Promise<Record<string, unknown>[]> {
  return db.transaction().execute(async (trx) => {
    if (!options.write) await sql`set transaction read only`.execute(trx);
    const result = await sql.raw<Record<string, unknown>>(statement).execute(trx);
    return result.rows;
  });
}
