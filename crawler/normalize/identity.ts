import { createHash } from 'node:crypto';
import type { ListingSide } from '../listing.ts';
import { NormalizeError, quoteInput } from './normalize-error.ts';

/**
 * Who runs an ad, as stably as the page allows: the platform's user id
 * (`id:<id>`), else the profile link's path without host, query or fragment
 * (`url:/u/123`), else the NFKC-normalized, trimmed display name
 * (`name:金沙承兑`). Names change; ids survive a rename. A link to the
 * site root names nobody and is skipped. A board whose profile link keeps
 * the id in the query string must pass that id as `operatorId`, since the
 * query is dropped (it mostly carries tracking). Relative links resolve
 * against `baseUrl` (the page URL) when given.
 *
 * @example
 * ```ts
 * operatorKeyOf({ operatorId: 's8f1c0e2a9b7d4', operatorName: '金沙承兑' }); // "id:s8f1c0e2a9b7d4"
 * operatorKeyOf({ operatorProfileUrl: 'https://desk.example/u/88?ref=x', operatorName: 'A' }); // "url:/u/88"
 * operatorKeyOf({ operatorName: ' 顺发USDT ' }); // "name:顺发USDT"
 * ```
 */
export function operatorKeyOf(operator: OperatorIdentity, baseUrl?: string): string {
  const id = operator.operatorId == null ? '' : String(operator.operatorId).trim();
  if (id !== '') return `id:${id}`;
  const path = profilePath(operator.operatorProfileUrl, baseUrl);
  if (path !== null) return `url:${path}`;
  return `name:${operator.operatorName.normalize('NFKC').trim()}`;
}

/**
 * A listing's identity across snapshots: the platform's ad id when it has
 * one, else `h:` + the first 24 hex characters of the SHA-256 of
 * `platform|operatorKey|side|asset|fiat|terms` (UTF-8, `terms` trimmed and
 * empty when null). The platform is hashed in so two boards' look-alike ads
 * never share a key. Price and limits are left out: a repriced ad is the
 * same ad.
 *
 * @example
 * ```ts
 * listingKeyOf({ platform: 'binance', listingId: '11581234567890123456', operatorKey: 'id:s8f1', side: 'sell', asset: 'USDT', fiat: 'CNY', terms: null });
 * // "11581234567890123456"
 * listingKeyOf({ platform: 'desk', listingId: null, operatorKey: 'name:诚信商家A', side: 'sell', asset: 'USDT', fiat: 'CNY', terms: '只收支付宝' });
 * // "h:" + 24 hex characters
 * ```
 */
export function listingKeyOf(listing: ListingIdentity): string {
  const id = listing.listingId == null ? '' : String(listing.listingId).trim();
  if (id !== '') return id;
  const recipe = [listing.platform, listing.operatorKey, listing.side, listing.asset, listing.fiat, listing.terms?.trim() ?? ''].join('|');
  return `h:${createHash('sha256').update(recipe, 'utf8').digest('hex').slice(0, 24)}`;
}

/** The link's path without trailing slash, or null for no link or one to the site root (it names nobody). */
function profilePath(link: string | null | undefined, baseUrl: string | undefined): string | null {
  if (!link?.trim()) return null;
  let url: URL;
  try {
    url = new URL(link.trim(), baseUrl ?? 'https://profile.invalid/');
  } catch (error) {
    throw new NormalizeError(`${quoteInput(link)} is not a profile link`, { cause: error });
  }
  const path = url.pathname.replace(/\/+$/, '');
  return path === '' ? null : path;
}

export interface OperatorIdentity {
  operatorId?: string | number | null;
  operatorProfileUrl?: string | null;
  operatorName: string;
}

export interface ListingIdentity {
  platform: string;
  listingId?: string | number | null;
  operatorKey: string;
  side: ListingSide;
  asset: string;
  fiat: string;
  terms: string | null;
}
