import { sql } from 'kysely';
import { inScope, type SignalDefinition } from './signal-query.ts';

/**
 * `offshore_platform`: the operator trades on a platform hosted outside
 * the mainland. Half the strength comes from the sources that saw it
 * declaring a host country other than CN (`sources.host_country`), half
 * from the country each of those sources' server address resolved to in
 * its latest located run (`run_host_locations`, offline GeoIP). Either
 * half is 0 when unknown or when any of them says CN. The evidence names
 * the source's first located run that resolved so, which later runs
 * resolving the same do not move. A source's location is not an
 * aggregate of the operator, so this signal is recomputed for every
 * operator a pass covers.
 *
 * @example
 * // declared SC, address 127.0.0.1 (unknown) → strength 0.5, evidence
 * // {"declared":[{"sourceId":"demo-api","country":"SC"}],
 * //  "resolved":[{"sourceId":"demo-api","runId":3,"host":"127.0.0.1","address":"127.0.0.1","country":null,"note":"loopback address"}]}
 */
export const offshorePlatform: SignalDefinition = {
  code: 'offshore_platform',
  rows: (scope) => sql`
    with seen as (
      select operator_id, source_id from operator_source_sightings where ${inScope('operator_id', scope)}
    ), per_source as (
      select s.id as source_id, s.host_country,
             jsonb_build_object('sourceId', s.id, 'country', s.host_country) as declared,
             latest.country,
             case when latest.run_id is not null
                  then jsonb_build_object('sourceId', s.id, 'runId', since.run_id, 'host', latest.host, 'address', latest.address,
                                          'country', latest.country, 'note', latest.note) end as resolved
        from sources s
        left join lateral (
          select h.* from run_host_locations h join crawl_runs r on r.id = h.run_id
           where r.source_id = s.id order by h.run_id desc limit 1
        ) latest on true
        left join lateral (
          select min(h.run_id) as run_id from run_host_locations h join crawl_runs r on r.id = h.run_id
           where r.source_id = s.id
             and (h.host, h.address, h.country, h.note) is not distinct from (latest.host, latest.address, latest.country, latest.note)
        ) since on true
       where s.id in (select distinct source_id from seen)
    )
    select d.operator_id,
           (case when bool_or(p.host_country is not null) and not bool_or(upper(p.host_country) = 'CN') then 0.5 else 0 end) +
           (case when bool_or(p.country is not null) and not bool_or(upper(p.country) = 'CN') then 0.5 else 0 end) as strength,
           jsonb_build_object('declared', jsonb_agg(p.declared order by p.source_id),
                              'resolved', coalesce(jsonb_agg(p.resolved order by p.source_id) filter (where p.resolved is not null), '[]'::jsonb)) as evidence
      from seen d join per_source p on p.source_id = d.source_id
     group by d.operator_id`,
};
