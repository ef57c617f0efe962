import type { DemoAd, DemoState } from './marketplace-state.ts';

/** One page of the current state, as the API's `data` object carries it. */
export interface AdsPage {
  tick: number;
  total: number;
  page: number;
  rows: number;
  items: DemoAd[];
}

/** Largest `rows` the API accepts, like real marketplaces that cap page size. */
export const MAX_ROWS = 50;

/**
 * Slices page `page` (1-based) of `rows` ads out of a state, in `adId` order —
 * the one paging rule the API, `/market` and `/app` all follow.
 *
 * @example
 * const p = pageOfAds(demoState(42, 0), 2, 20); // ads 21..40
 * hasNextPage(p);                                 // true when more follow
 */
export function pageOfAds(state: DemoState, page: number, rows: number): AdsPage {
  const start = (page - 1) * rows;
  return { tick: state.tick, total: state.ads.length, page, rows, items: state.ads.slice(start, start + rows) };
}

export function hasNextPage(p: AdsPage): boolean {
  return p.page * p.rows < p.total;
}

/**
 * Reads `page` and `rows` from a query string. Absent means page 1 and the
 * default size; anything but a positive integer (or `rows` above the cap) is
 * an error the caller turns into its error envelope.
 *
 * @example
 * readPaging(new URLSearchParams('page=2'), 20); // { page: 2, rows: 20 }
 * readPaging(new URLSearchParams('page=x'), 20); // { error: 'page must be a positive integer, got "x"' }
 */
export function readPaging(query: URLSearchParams, defaultRows: number): { page: number; rows: number } | { error: string } {
  const page = positiveInt(query.get('page'), 1);
  if (page === null) return { error: `page must be a positive integer, got ${JSON.stringify(query.get('page'))}` };
  const rows = positiveInt(query.get('rows'), defaultRows);
  if (rows === null || rows > MAX_ROWS) {
    return { error: `rows must be an integer from 1 to ${MAX_ROWS}, got ${JSON.stringify(query.get('rows'))}` };
  }
  return { page, rows };
}

function positiveInt(raw: string | null, fallback: number): number | null {
  if (raw === null) return fallback;
  if (!/^\d{1,9}$/.test(raw)) return null;
  const value = Number(raw);
  return value >= 1 ? value : null;
}
