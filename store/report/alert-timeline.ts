import { sql, type Kysely } from 'kysely';
import { ALERT_KINDS } from '../alerts.ts';
import type { AlertKind, Database } from '../schema.ts';
import { runCondition, type RunFilter } from './report-filter.ts';

/** Alerts of one kind raised by one run. */
export interface AlertCountPoint {
  runId: number;
  sourceId: string;
  startedAt: Date;
  kind: AlertKind;
  alerts: number;
}

/**
 * The alert timeline: per finished run (in start order) and alert kind, how
 * many alerts the run raised — zero rows included.
 *
 * @example
 * const points = await alertTimeline(db, { sourceIds: ['demo-api'] });
 */
export async function alertTimeline(db: Kysely<Database>, filter: RunFilter = {}): Promise<AlertCountPoint[]> {
  const rows = await sql<{ run_id: number; source_id: string; started_at: Date; kind: AlertKind; alerts: number }>`
    select r.id as run_id, r.source_id, r.started_at, k.kind,
           (select count(*)::int from alerts a where a.run_id = r.id and a.kind = k.kind) as alerts
      from crawl_runs r
     cross join unnest(${[...ALERT_KINDS]}::text[]) with ordinality as k(kind, n)
     where r.status <> 'running' and ${runCondition('r', filter)}
     order by r.started_at, r.id, k.n`.execute(db);
  return rows.rows.map((r) => ({ runId: r.run_id, sourceId: r.source_id, startedAt: r.started_at, kind: r.kind, alerts: r.alerts }));
}
