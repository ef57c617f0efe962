import { sql } from 'kysely';
import { inScope, type SignalDefinition } from './signal-query.ts';

/**
 * `offshore_platform`: the operator trades on a platform hosted outside
 * the mainland. Half the strength comes from the sources that saw it
 * declaring a host country other than CN (`sources.host_country`), half
 * from the country its server address resolved to in the latest located
 * run of each of those sources (`run_host_locations`, offline GeoIP).
 * Either half is 0 when unknown or when any of them says CN.
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
      select operator_id, source_id, last_run_id from operator_source_sightings where ${inScope('operator_id', scope)}
    ), declared as (
      select d.operator_id,
             bool_or(s.host_country is not null) and not bool_or(upper(s.host_country) = 'CN') as offshore,
             jsonb_agg(jsonb_build_object('sourceId', s.id, 'country', s.host_country) order by s.id) as evidence
        from seen d
        join sources s on s.id = d.source_id
       group by d.operator_id
    ), located as (
      -- The latest run of the source that saw the operator is almost always located (scoring locates each run first);
      -- only when it is not does this walk back through the operator's runs to the latest one that is.
      select se.operator_id, se.source_id, h.*
        from seen se
        cross join lateral (
          (select h.run_id, h.host, h.address, h.country, h.note from run_host_locations h where h.run_id = se.last_run_id)
          union all
          (select h.run_id, h.host, h.address, h.country, h.note
             from listing_observations o
             join crawl_runs r on r.id = o.run_id and r.source_id = se.source_id
             join run_host_locations h on h.run_id = o.run_id
            where o.operator_id = se.operator_id and o.run_id < se.last_run_id
            order by o.run_id desc limit 1)
          limit 1
        ) h
    ), resolved as (
      select operator_id,
             bool_or(country is not null) and not bool_or(upper(country) = 'CN') as offshore,
             jsonb_agg(jsonb_build_object('sourceId', source_id, 'runId', run_id, 'host', host, 'address', address,
                                          'country', country, 'note', note) order by source_id) as evidence
        from located group by operator_id
    )
    select d.operator_id,
           (case when d.offshore then 0.5 else 0 end) + (case when coalesce(r.offshore, false) then 0.5 else 0 end) as strength,
           jsonb_build_object('declared', d.evidence, 'resolved', coalesce(r.evidence, '[]'::jsonb)) as evidence
      from declared d left join resolved r on r.operator_id = d.operator_id`,
};
