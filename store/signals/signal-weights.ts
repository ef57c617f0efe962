/**
 * The domestic-facing score's weights: one table, mirrored in the README
 * ("Domestic-facing score"). Each signal has a strength between 0 and 1;
 * its points are weight × strength, and the score is the sum of the
 * points, so it runs from 0 to 100.
 *
 * @example
 * SIGNAL_WEIGHTS.domestic_payment_rails; // 25
 * // an operator taking Alipay on CNY listings only, seen only in daytime:
 * // 25 × 1 + 20 × 1 + 5 × 1 = 50 points before any other signal
 */
export const SIGNAL_WEIGHTS = {
  /** A mainland rail (alipay, wechat_pay, unionpay, cn_bank_card, cn_credit_card, digital_rmb), accepted on any listing: 1, else 0. */
  domestic_payment_rails: 25,
  /** Share of the operator's listings quoting CNY. */
  cny_listings: 20,
  /** A WeChat id, QQ number or mainland mobile in name or terms: 1; only an invitation ("加微信", "VX"): 0.5. */
  domestic_contact: 15,
  /** Platform outside the mainland: 0.5 by the source's declared host country, 0.5 by the server address's GeoIP country. */
  offshore_platform: 15,
  /** Han characters in the operator's name or terms: 1, else 0. */
  han_script: 10,
  /** Orders served on CNY listings (monthly count, else lifetime), full at 1,000. */
  cny_order_volume: 10,
  /** Share of the runs that saw the operator falling in 09:00–22:59 mainland time (UTC+8). */
  mainland_daytime: 5,
} as const;

export type SignalCode = keyof typeof SIGNAL_WEIGHTS;

/** An operator scoring at least this is domestic-facing (`operators --domestic`, the alert, the view). */
export const DOMESTIC_FACING_THRESHOLD = 50;
