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
  price: string;
  available: string | null;
  minOrder: string | null;
  maxOrder: string | null;
  paymentMethods: PaymentMethodRef[];
  terms: string | null;
  /** Share of completed orders as a fraction 0..1, decimal string. */
  completionRate: string | null;
  orderCount: number | null;
  monthOrderCount: number | null;
}

export type ListingSide = 'buy' | 'sell';

/** A payment method as seen on a listing: canonical code, or null when unknown (raw kept). */
export interface PaymentMethodRef {
  code: string | null;
  raw: string;
}

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
