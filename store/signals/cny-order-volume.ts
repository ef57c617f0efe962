import { sql } from 'kysely';
import { inScope, type SignalDefinition } from './signal-query.ts';

/** Orders at which `cny_order_volume` is at full strength. */
const ORDER_VOLUME_FULL = 1000;

/**
 * `cny_order_volume`: how many orders the operator serves in CNY, from its
 * most recent CNY observation that reports a count: the platform's monthly
 * count (`month_order_count`) when it gives one, else its lifetime
 * `order_count` (evidence says which). Strength orders / 1,000, at most 1.
 *
 * @example
 * // 412 monthly orders → strength 0.412, evidence
 * // {"orders":412,"basis":"month_order_count","fullAt":1000,"listingId":4,"runId":3,"observationId":181}
 */
export const cnyOrderVolume: SignalDefinition = {
  code: 'cny_order_volume',
  rows: (scope) => sql`
    with latest as (
      select distinct on (o.operator_id)
             o.operator_id, o.id as observation_id, o.run_id, o.listing_id,
             coalesce(o.month_order_count, o.order_count) as orders,
             case when o.month_order_count is not null then 'month_order_count' else 'order_count' end as basis
        from listing_observations o
        join listings l on l.id = o.listing_id
       where ${inScope('o.operator_id', scope)}
         and l.fiat = 'CNY'
         and coalesce(o.month_order_count, o.order_count) is not null
       order by o.operator_id, o.run_id desc, o.month_order_count is null, coalesce(o.month_order_count, o.order_count) desc
    )
    select operator_id, least(1, orders::numeric / ${ORDER_VOLUME_FULL}) as strength,
           jsonb_build_object('orders', orders, 'basis', basis, 'fullAt', ${ORDER_VOLUME_FULL}::int,
                              'listingId', listing_id, 'runId', run_id, 'observationId', observation_id) as evidence
      from latest`,
};
