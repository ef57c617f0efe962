import type { Kysely, Selectable } from 'kysely';
import type { CrawlRunsTable, Database } from '../schema.ts';
import type { DiffRunInfo } from './run-diff.ts';

/** Which two runs of a source to compare; either end may be named. */
export interface DiffPairRequest {
  sourceId: string;
  fromRunId?: number | undefined;
  toRunId?: number | undefined;
}

/**
 * Picks the two runs a diff compares.
 *
 * - to: the named run, else the source's latest `complete` or `partial` run;
 * - from: the named run, else the latest `complete` run before the to-run,
 *   so absences are always judged against a whole snapshot. A partial run
 *   is never a default baseline: after `complete #3, partial #4, complete #5`
 *   the defaults are 3→4, then 3→5.
 *
 * Returns null when there is no such pair yet (a source's first run).
 * Named runs may be any two finished runs of the source, in either order;
 * a named run that is unknown, of another source or still running throws.
 *
 * @example
 * const pair = await resolveDiffPair(db, { sourceId: 'demo-api' });
 * // { from: { id: 3, status: 'complete', … }, to: { id: 4, status: 'partial', … } }
 */
export async function resolveDiffPair(db: Kysely<Database>, request: DiffPairRequest): Promise<{ from: DiffRunInfo; to: DiffRunInfo } | null> {
  const { sourceId } = request;
  const runs = db.selectFrom('crawl_runs').selectAll().where('source_id', '=', sourceId);
  const namedFrom = request.fromRunId === undefined ? undefined : await namedRun(db, sourceId, request.fromRunId);
  const to =
    request.toRunId !== undefined
      ? await namedRun(db, sourceId, request.toRunId)
      : await runs.where('status', 'in', ['complete', 'partial']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!to) return null;
  const from = namedFrom ?? (await runs.where('status', '=', 'complete').where('id', '<', to.id).orderBy('id', 'desc').limit(1).executeTakeFirst());
  if (!from) return null;
  if (from.id === to.id) throw new Error(`run #${to.id} cannot be compared with itself; name two different runs`);
  return { from: runInfo(from), to: runInfo(to) };
}

async function namedRun(db: Kysely<Database>, sourceId: string, runId: number): Promise<Selectable<CrawlRunsTable>> {
  const run = await db.selectFrom('crawl_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  if (!run) throw new Error(`no run #${runId}; list runs with: otcwatch runs --source ${sourceId}`);
  if (run.source_id !== sourceId) throw new Error(`run #${runId} is a run of ${run.source_id}, not of ${sourceId}`);
  if (run.status === 'running') throw new Error(`run #${runId} is still running; diff it when it has finished`);
  return run;
}

function runInfo(run: Selectable<CrawlRunsTable>): DiffRunInfo {
  return { id: run.id, status: run.status, startedAt: run.started_at, listings: run.listings_count };
}
