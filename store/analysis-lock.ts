import { sql } from 'kysely';
import type { Store } from './connection.ts';

/**
 * Runs `work` while holding the source's analysis lock, so one after-run
 * pass per source runs at a time across every process on the database: a
 * worker that closed a run and a worker starting up that finds it pending
 * never diff, alert and score the same runs at once. The lock is a session
 * advisory lock on a pooled connection of its own; the database releases
 * it when `work` ends, or when the process holding it dies. PGlite serves
 * one process, whose single connection runs one statement at a time:
 * there is nothing to hold.
 *
 * @example
 * await withSourceAnalysisLock(store, 'demo-api', () => analyse(store, run));
 */
export async function withSourceAnalysisLock<T>(store: Store, sourceId: string, work: () => Promise<T>): Promise<T> {
  if (store.engine === 'pglite') return work();
  return store.db.connection().execute(async (connection) => {
    const key = sql`hashtext('otcwatch:analysis'), hashtext(${sourceId})`;
    await sql`select pg_advisory_lock(${key})`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(connection);
    }
  });
}
