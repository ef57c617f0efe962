import { sql, type Kysely } from 'kysely';
import type { AlertRecord } from '../alerts.ts';
import { alertRecord } from '../alerts.ts';
import type { Database, RunStatus } from '../schema.ts';
import { runCondition, type RunFilter } from './report-filter.ts';

/** A signal of a ranked operator, with the evidence records and observations behind it. */
export interface RankedSignal {
  signal: string;
  weight: number;
  strength: number;
  points: number;
  /** `evidence` ids (`otcwatch evidence <id>`) of the observations the signal rests on. */
  evidenceIds: number[];
  observationIds: number[];
}

export interface RankedOperator {
  operatorId: number;
  platform: string;
  operatorKey: string;
  name: string;
  score: number;
  signals: RankedSignal[];
}

/**
 * The domestic-facing operators seen in the filter's runs, highest score
 * first, each signal with points and the evidence ids of the observations
 * its stored evidence names (`observationIds` / `observationId`, at any depth).
 *
 * @example
 * const top = await rankedDomesticOperators(db, { sourceIds: ['demo-api'] }, 50);
 */
export async function rankedDomesticOperators(db: Kysely<Database>, filter: RunFilter = {}, limit = 100): Promise<RankedOperator[]> {
  const rows = await sql<{ operator_id: number; platform: string; platform_key: string; name: string; score: string; signals: RankedSignal[] | null }>`
    select s.operator_id, op.platform, op.platform_key, op.name, s.score,
           (select jsonb_agg(jsonb_build_object(
                     'signal', g.signal, 'weight', g.weight, 'strength', g.strength, 'points', g.points,
                     'observationIds', obs.ids, 'evidenceIds', obs.evidence_ids)
                   order by g.points desc, g.signal)
              from operator_signals g
              cross join lateral (
                select coalesce(jsonb_agg(o.id order by o.id), '[]') as ids,
                       coalesce(jsonb_agg(distinct o.evidence_id) filter (where o.evidence_id is not null), '[]') as evidence_ids
                  from listing_observations o
                 where o.id in (select (v #>> '{}')::int from jsonb_path_query(g.evidence, 'lax $.**.observationIds[*]') v
                                union select (v #>> '{}')::int from jsonb_path_query(g.evidence, 'lax $.**.observationId') v)
              ) obs
             where g.operator_id = s.operator_id and g.points > 0) as signals
      from operator_scores s
      join operators op on op.id = s.operator_id
     where s.domestic_facing
       and exists (select 1 from listing_observations o join crawl_runs r on r.id = o.run_id
                    where o.operator_id = s.operator_id and ${runCondition('r', filter)})
     order by s.score desc, s.operator_id
     limit ${limit}::int`.execute(db);
  return rows.rows.map((r) => ({
    operatorId: r.operator_id,
    platform: r.platform,
    operatorKey: r.platform_key,
    name: r.name,
    score: Number(r.score),
    signals: (r.signals ?? []).map((g) => ({
      signal: g.signal,
      weight: Number(g.weight),
      strength: Number(g.strength),
      points: Number(g.points),
      evidenceIds: g.evidenceIds.map(Number),
      observationIds: g.observationIds.map(Number),
    })),
  }));
}

/** A run's outcome as the report lists it. */
export interface RunOutcome {
  runId: number;
  sourceId: string;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  pagesOk: number;
  pagesFailed: number;
  listings: number;
  parseFailures: number;
  error: string | null;
}

/**
 * The filter's runs, newest first, with their outcome.
 *
 * @example
 * const runs = await runOutcomes(db, {}, 500);
 */
export async function runOutcomes(db: Kysely<Database>, filter: RunFilter = {}, limit = 500): Promise<RunOutcome[]> {
  const rows = await db
    .selectFrom('crawl_runs as r')
    .selectAll()
    .where(runCondition('r', filter))
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    runId: r.id,
    sourceId: r.source_id,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    pagesOk: r.pages_ok,
    pagesFailed: r.pages_failed,
    listings: r.listings_count,
    parseFailures: r.parse_failures_count,
    error: r.error,
  }));
}

/**
 * The alerts raised by the filter's runs, newest first.
 *
 * @example
 * const alerts = await reportAlerts(db, { since: new Date('2024-05-01') }, 200);
 */
export async function reportAlerts(db: Kysely<Database>, filter: RunFilter = {}, limit = 200): Promise<AlertRecord[]> {
  const rows = await db
    .selectFrom('alerts as a')
    .innerJoin('crawl_runs as r', 'r.id', 'a.run_id')
    .selectAll('a')
    .where(runCondition('r', filter))
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(alertRecord);
}
