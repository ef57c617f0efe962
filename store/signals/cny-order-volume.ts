import { sql } from 'kysely';
import { inScope, type SignalDefinition } from './signal-query.ts';

/** Orders at which `cny_order_volume` is at full strength. */
const ORDER_VOLUME_FULL = 1000;

/**
 * `cny_order_volume`: how many orders the operator serves in CNY, from its
 * most recent CNY observation that reports a count: the platform's monthly
 * count (`month_order_count`) when it gives one, else its lifetime
 * `order_count` (evidence says which). Strength orders / 1,000, at most 1.
 * The operator keeps its latest count (`operator_run_sightings`): the
 * newest run's wins, then a monthly count, then the larger.
 *
 * @example
 * // 412 monthly orders → strength 0.412, evidence
 * // {"orders":412,"basis":"month_order_count","fullAt":1000,"listingId":4,"runId":3,"observationId":181}
 */
export const cnyOrderVolume: SignalDefinition = {
  code: 'cny_order_volume',
  reads: 'run',
  rows: (scope) => sql`
    select operator_id, least(1, orders::numeric / ${ORDER_VOLUME_FULL}) as strength,
           jsonb_build_object('orders', orders, 'basis', orders_basis, 'fullAt', ${ORDER_VOLUME_FULL}::int,
                              'listingId', orders_listing_id, 'runId', orders_run_id, 'observationId', orders_observation_id) as evidence
      from operator_run_sightings
     where ${inScope('operator_id', scope)} and orders is not null`,
};
