import { sql } from 'kysely';
import { inScope, type SignalDefinition } from './signal-query.ts';

/**
 * Mainland daytime, in hours of UTC+8: from 09:00 up to (not including) 23:00.
 * Applied as runs are folded (fold-runs.ts): stored counts follow it, so
 * moving it takes a migration that counts the history again.
 */
export const MAINLAND_DAYTIME = { fromHour: 9, toHour: 23 } as const;

/**
 * `mainland_daytime`: of the runs that saw the operator, the share whose
 * observation of it fell in mainland daytime (UTC+8, 09:00–22:59) — an ad
 * listed while mainland buyers are awake. Evidence: the counts, the hours
 * (UTC+8) it was seen at, and the daytime runs.
 *
 * @example
 * // seen in 4 runs, 3 of them in mainland daytime → strength 0.75, evidence
 * // {"daytimeRuns":3,"runs":4,"hoursUtc8":[2,10,14,15],"window":"09:00-22:59 UTC+8","runIds":[9,8,6]}
 */
export const mainlandDaytime: SignalDefinition = {
  code: 'mainland_daytime',
  reads: 'run',
  rows: (scope) => sql`
    select operator_id, daytime_runs::numeric / runs as strength,
           jsonb_build_object('daytimeRuns', daytime_runs, 'runs', runs, 'hoursUtc8', to_jsonb(hours_utc8),
                              'window', ${windowLabel()}::text, 'runIds', to_jsonb(daytime_run_ids)) as evidence
      from operator_run_sightings
     where ${inScope('operator_id', scope)}`,
};

function windowLabel(): string {
  const hh = (h: number) => String(h).padStart(2, '0');
  return `${hh(MAINLAND_DAYTIME.fromHour)}:00-${hh(MAINLAND_DAYTIME.toHour - 1)}:59 UTC+8`;
}
