import { sql } from 'kysely';
import { inScope, type SignalDefinition } from './signal-query.ts';

/**
 * `domestic_payment_rails`: 1 when any of the operator's listings was ever
 * seen taking a mainland rail (`payment_methods.is_domestic`: alipay,
 * wechat_pay, unionpay, cn_bank_card, cn_credit_card, digital_rmb); a refusal
 * (不收支付宝) is not taking it. Evidence, per method:
 * the platform's spellings, the listings, and the run and observation
 * that first showed it.
 *
 * @example
 * // {"methods":[{"method":"alipay","rawTexts":["ALIPAY"],"listingIds":[4],"runIds":[2],"observationIds":[181]}]}
 */
export const domesticPaymentRails: SignalDefinition = {
  code: 'domestic_payment_rails',
  reads: 'method',
  rows: (scope) => sql`
    select s.operator_id, 1 as strength,
           jsonb_build_object('methods', jsonb_agg(jsonb_build_object('method', s.method_code, 'rawTexts', to_jsonb(s.raw_texts),
                                                                      'listingIds', to_jsonb(s.listing_ids), 'runIds', jsonb_build_array(s.first_run_id),
                                                                      'observationIds', jsonb_build_array(s.first_observation_id)) order by s.method_code)) as evidence
      from operator_method_sightings s
      join payment_methods m on m.code = s.method_code and m.is_domestic
     where ${inScope('s.operator_id', scope)}
     group by s.operator_id`,
};
