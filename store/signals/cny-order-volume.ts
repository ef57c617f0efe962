import { sql } from 'kysely';
import { inScope, type SignalDefinition } from './signal-query.ts';

/** Orders at which `cny_order_volume` is at full strength. */
const ORDER_VOLUME_FULL = 1000;

/**
 * `cny_order_volume`: how many orders the operator serves in CNY, from its
 * most recent CNY observation that reports a count: the platform's monthly
 * count (`month_order_count`) when it gives one, else its lifetime
 * `order_count` (evidence says which). Strength orders / 1,000, at most 1.
 * Each listing keeps its latest count (`operator_listing_sightings`); the
 * newest run's wins, then a monthly count, then the larger.
 *
 * @example
 * // 412 monthly orders → strength 0.412, evidence
 * // {"orders":412,"basis":"month_order_count","fullAt":1000,"listingId":4,"runId":3,"observationId":181}
 */
export const cnyOrderVolume: SignalDefinition = {
  code: 'cny_order_volume',
  rows: (scope) => sql`
    with latest as (
      select distinct on (s.operator_id)
             s.operator_id, s.orders_observation_id as observation_id, s.orders_run_id as run_id, s.listing_id, s.orders, s.orders_basis as basis
        from operator_listing_sightings s
        join listings l on l.id = s.listing_id
       where ${inScope('s.operator_id', scope)}
         and l.fiat = 'CNY'
         and s.orders is not null
       order by s.operator_id, s.orders_run_id desc, s.orders_basis <> 'month_order_count', s.orders desc, s.orders_observation_id desc
    )
    select operator_id, least(1, orders::numeric / ${ORDER_VOLUME_FULL}) as strength,
           jsonb_build_object('orders', orders, 'basis', basis, 'fullAt', ${ORDER_VOLUME_FULL}::int,
                              'listingId', listing_id, 'runId', run_id, 'observationId', observation_id) as evidence
      from latest`,
};
