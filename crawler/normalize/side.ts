import type { ListingSide } from '../listing.ts';
import { ownEntry } from '../own-entry.ts';
import { NormalizeError, quoteInput } from './normalize-error.ts';

/**
 * Spellings of the advertiser's side. `ask` is an offer to sell and `bid` an
 * offer to buy, as in an order book. 收购 ("buying up") is how acceptor
 * boards title buy ads.
 */
const SIDES: Record<string, ListingSide> = {
  sell: 'sell', ask: 'sell', 出售: 'sell', 卖: 'sell', 賣: 'sell', 卖出: 'sell', 賣出: 'sell',
  buy: 'buy', bid: 'buy', 购买: 'buy', 購買: 'buy', 买: 'buy', 買: 'buy', 买入: 'buy', 買入: 'buy', 收购: 'buy', 收購: 'buy',
};

/**
 * Reads the advertiser's side of a listing: `sell` = the operator sells the
 * asset for fiat. Adapters of APIs that speak in the taker's side (a
 * `tradeType=BUY` query returns sell ads) translate before calling this.
 *
 * @example
 * ```ts
 * normalizeSide('SELL'); // "sell"
 * normalizeSide('购买'); // "buy"
 * normalizeSide('1'); // throws NormalizeError
 * ```
 */
export function normalizeSide(text: string): ListingSide {
  const side = ownEntry(SIDES, text.normalize('NFKC').trim().toLowerCase());
  if (side === undefined) throw new NormalizeError(`${quoteInput(text)} is not a side (sell/buy, 出售/购买)`);
  return side;
}
