import { sql } from 'kysely';
import { inScope, type SignalDefinition } from './signal-query.ts';

/** Mainland daytime, in hours of UTC+8: from 09:00 up to (not including) 23:00. */
const MAINLAND_DAYTIME = { fromHour: 9, toHour: 23 } as const;

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
  rows: (scope) => sql`
    with sightings as (
      select operator_id, run_id,
             extract(hour from (min(observed_at) at time zone 'UTC') + interval '8 hours')::int as hour
        from listing_observations
       where ${inScope('operator_id', scope)}
       group by operator_id, run_id
    ), marked as (
      select *, hour >= ${MAINLAND_DAYTIME.fromHour}::int and hour < ${MAINLAND_DAYTIME.toHour}::int as daytime from sightings
    )
    select operator_id, (count(*) filter (where daytime))::numeric / count(*) as strength,
           jsonb_build_object('daytimeRuns', count(*) filter (where daytime), 'runs', count(*),
                              'hoursUtc8', jsonb_agg(distinct hour order by hour),
                              'window', ${windowLabel()}::text,
                              'runIds', coalesce(to_jsonb((array_agg(run_id order by run_id desc) filter (where daytime))[1:10]), '[]'::jsonb)) as evidence
      from marked group by operator_id`,
};

function windowLabel(): string {
  const hh = (h: number) => String(h).padStart(2, '0');
  return `${hh(MAINLAND_DAYTIME.fromHour)}:00-${hh(MAINLAND_DAYTIME.toHour - 1)}:59 UTC+8`;
}
