/**
 * The one normalized listing shape every adapter produces, whatever the
 * marketplace. Money and amounts are exact decimal strings (never floats):
 * `"7.25"`, `"50000"`. Codes are upper-case ISO 4217 fiat (`CNY`) and
 * upper-case asset tickers (`USDT`).
 */
export interface NormalizedListing {
  /** The platform's ad id, or a documented hash where it has none (see `listingKeyOf`). */
  listingKey: string;
  /** The platform's user id, else the profile link, else the name (see `operatorKeyOf`). */
  operatorKey: string;
  operatorName: string;
  /** The advertiser's side: `sell` = the operator sells the asset for fiat. */
  side: ListingSide;
  asset: string;
  fiat: string;
  /** Null when the listing prints no readable price: negotiable (`priceNegotiable`), or unreadable (a `fieldFailures` entry says why). */
  price: string | null;
  /** The listing says its price is negotiable (面议, 私聊, negotiable); `price` is then null. Absent: false. */
  priceNegotiable?: boolean;
  available: string | null;
  minOrder: string | null;
  maxOrder: string | null;
  paymentMethods: PaymentMethodRef[];
  terms: string | null;
  /** Share of completed orders as a fraction 0..1, decimal string. */
  completionRate: string | null;
  orderCount: number | null;
  monthOrderCount: number | null;
  /**
   * What could not be read in this row, or was cleaned before storing (a
   * bad optional field, control characters removed, undecodable bytes):
   * stored as parse failures linked to this listing's observation. Absent: none.
   */
  fieldFailures?: ParseFailure[];
}

export type ListingSide = 'buy' | 'sell';

/** A payment method as seen on a listing: canonical code, or null when unknown (raw kept). */
export interface PaymentMethodRef {
  code: string | null;
  raw: string;
  /** What the listing says of it: `accepted`, or `refused` (不收支付宝, "no Alipay"). Absent: accepted. */
  stance?: PaymentStance;
  /** Where it was read: a method field of the platform, an icon or badge (alt, title, class, file name), or free text. Absent: structured. */
  source?: PaymentMethodSource;
}

export type PaymentStance = 'accepted' | 'refused';
export type PaymentMethodSource = 'structured' | 'icon' | 'text';

/** A row the parser could not turn into a listing; nothing is dropped silently. */
export interface ParseFailure {
  /** The raw row: JSON text of an API row, outer HTML of a page row. */
  raw: string;
  /** What failed, naming the field. */
  error: string;
  /** Path of the offending field inside the row, e.g. `adv.price`. */
  fieldPath: string | null;
  url: string | null;
}
