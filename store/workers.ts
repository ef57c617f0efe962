import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, WorkersTable } from './schema.ts';

export type WorkerRow = Selectable<WorkersTable>;

/**
 * Registers a worker, scheduler or runner process under its owner id (the
 * same id it holds runs with), so `otcwatch status` can list it.
 *
 * @example
 * await registerWorker(db, { id: services.owner, kind: 'worker', concurrency: 2 });
 */
export async function registerWorker(
  db: Kysely<Database>,
  worker: { id: string; kind: WorkerRow['kind']; host: string; pid: number; concurrency: number },
): Promise<void> {
  await db
    .insertInto('workers')
    .values(worker)
    .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: sql`now()`, stopped_at: null }))
    .execute();
}

/** A sign of life, with the jobs it finished since the last one. */
export async function beatWorker(db: Kysely<Database>, id: string, tally: { done?: number; failed?: number; lastError?: string | null } = {}): Promise<void> {
  await db
    .updateTable('workers')
    .set((eb) => ({
      heartbeat_at: sql`now()`,
      jobs_done: eb('jobs_done', '+', tally.done ?? 0),
      jobs_failed: eb('jobs_failed', '+', tally.failed ?? 0),
      ...(tally.lastError ? { last_error: tally.lastError } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

export async function stopWorker(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('workers').set({ stopped_at: sql`now()` }).where('id', '=', id).execute();
}

/**
 * Workers seen within `aliveWithinMs` and not stopped, with the number of
 * seconds since their last heartbeat (by the database's clock).
 */
export async function liveWorkers(db: Kysely<Database>, aliveWithinMs: number): Promise<(WorkerRow & { silent_s: number })[]> {
  return db
    .selectFrom('workers')
    .selectAll()
    .select(sql<number>`extract(epoch from now() - heartbeat_at)::float8`.as('silent_s'))
    .where('stopped_at', 'is', null)
    .where(sql<boolean>`heartbeat_at > now() - make_interval(secs => ${aliveWithinMs / 1000})`)
    .orderBy('started_at')
    .execute();
}
