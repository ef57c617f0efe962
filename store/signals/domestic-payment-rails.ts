import { sql } from 'kysely';
import { inScope, recentIds, type SignalDefinition } from './signal-query.ts';

/**
 * `domestic_payment_rails`: 1 when any of the operator's listings was ever
 * seen taking a mainland rail (`payment_methods.is_domestic`: alipay,
 * wechat_pay, unionpay, cn_bank_card, cn_credit_card, digital_rmb); a refusal
 * (不收支付宝) is not taking it. Evidence, per method:
 * the platform's spellings, the listings, runs and observations.
 *
 * @example
 * // {"methods":[{"method":"alipay","rawTexts":["ALIPAY"],"listingIds":[4],"runIds":[3,2],"observationIds":[…]}]}
 */
export const domesticPaymentRails: SignalDefinition = {
  code: 'domestic_payment_rails',
  rows: (scope) => sql`
    with hits as (
      select o.operator_id, pm.method_code, pm.raw_text, o.listing_id, o.run_id, o.id as observation_id
        from listing_observations o
        join listing_payment_methods pm on pm.run_id = o.run_id and pm.listing_id = o.listing_id and pm.stance = 'accepted'
        join payment_methods m on m.code = pm.method_code and m.is_domestic
       where ${inScope('o.operator_id', scope)}
    ), per_method as (
      select operator_id, method_code,
             jsonb_build_object('method', method_code,
                                'rawTexts', jsonb_agg(distinct raw_text order by raw_text),
                                'listingIds', jsonb_agg(distinct listing_id order by listing_id),
                                'runIds', ${recentIds('run_id')},
                                'observationIds', ${recentIds('observation_id')}) as method
        from hits group by operator_id, method_code
    )
    select operator_id, 1 as strength, jsonb_build_object('methods', jsonb_agg(method order by method_code)) as evidence
      from per_method group by operator_id`,
};
