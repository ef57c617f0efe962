import { jsonText } from '../normalize/json-text.ts';
import { PageError, type FetchedPage } from '../source-adapter.ts';

/** What a paged response says about its book. */
export interface PageCounts {
  /** 1-based number of this page. */
  page: number;
  /** Rows this page returned. */
  returned: number;
  /** Rows a full page holds. */
  pageSize: number;
  /** Rows in the whole book, when the platform says. */
  total?: number;
  /** Pages in the whole book, when the platform says; wins over `total`. */
  totalPages?: number;
  /** The source's page cap: no plan reaches more than this many pages ahead. */
  maxPages: number;
  /**
   * The last page of the plan that asked for this page (its request's
   * meta): those pages are planned already, so only pages beyond it are.
   * Without it every page re-plans the rest of the book, and a book of n
   * pages plans n²/2 requests.
   */
  plannedThrough?: number | undefined;
}

/**
 * The pages of a book still to fetch after this one. Paging stops at a
 * short page (fewer rows than `pageSize`), when `page * pageSize >= total`,
 * or when `page >= totalPages`. Every remaining page is planned at once, so
 * one failed page does not hide the pages after it; a later page plans only
 * what lies beyond `plannedThrough` (a book that grew while it was read); the plan never reaches more than `maxPages` ahead, so the
 * runner's page cap still sees that the book went on.
 *
 * An empty page that the platform's own counts say should hold rows, or a
 * short page that is not the last by those counts, is not the end of the
 * book: it fails the page (transient, so it is read again first).
 *
 * @example
 * pagesAfter(fetched, { page: 1, returned: 20, pageSize: 20, total: 57, maxPages: 500 }); // [2, 3]
 * pagesAfter(fetched, { page: 2, returned: 20, pageSize: 20, total: 57, maxPages: 500, plannedThrough: 3 }); // []
 * pagesAfter(fetched, { page: 3, returned: 17, pageSize: 20, total: 57, maxPages: 500 }); // []
 */
export function pagesAfter(fetched: FetchedPage, counts: PageCounts): number[] {
  const { page, returned, pageSize, total, totalPages, maxPages } = counts;
  if (pageSize < 1) throw new PageError(`${fetched.url}: page size ${pageSize} cannot page a book (layout changed?)`);
  const lastPage = totalPages ?? (total === undefined ? undefined : Math.ceil(total / pageSize));
  // Both are read again before the page fails: a platform's list can come back empty or short for a moment.
  if (returned === 0 && lastPage !== undefined && page <= lastPage) {
    throw new PageError(`${fetched.url}: page ${page} has no rows although the platform counts ${lastPage} page(s) (layout changed?)`, { transient: true });
  }
  if (returned < pageSize && lastPage !== undefined && page < lastPage) {
    throw new PageError(`${fetched.url}: page ${page} has ${returned} of ${pageSize} rows although the platform counts ${lastPage} page(s); cut short?`, { transient: true });
  }
  if (returned < pageSize) return [];
  const last = Math.min(lastPage ?? page + 1, page + maxPages);
  const first = Math.max(page, counts.plannedThrough ?? page) + 1;
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}

/**
 * The planned pages, each with the plan's last page: what each page's
 * request carries in its meta, so that page plans only beyond the plan
 * (`PageCounts.plannedThrough`).
 *
 * @example
 * plannedPages([2, 3]); // [{ page: 2, plannedThrough: 3 }, { page: 3, plannedThrough: 3 }]
 */
export function plannedPages(pages: number[]): { page: number; plannedThrough: number }[] {
  const plannedThrough = pages.at(-1)!;
  return pages.map((page) => ({ page, plannedThrough }));
}

/**
 * The `plannedThrough` of a request's meta (`plannedPages`), when it holds a whole number.
 *
 * @example
 * plannedThroughOf({ page: 2, plannedThrough: 9 }); // 9
 */
export function plannedThroughOf(meta: Record<string, unknown> | undefined): number | undefined {
  const plannedThrough = meta?.plannedThrough;
  return typeof plannedThrough === 'number' && Number.isInteger(plannedThrough) ? plannedThrough : undefined;
}

/**
 * Reads a count from a response (`total`, `totalPage`, `result.count`): a
 * whole number, or digits as text; anything else fails the page, since
 * paging on a guess could stop early and read as listings vanishing.
 *
 * @example
 * countField('57', 'total', fetched); // 57
 */
export function countField(value: unknown, what: string, fetched: FetchedPage): number {
  const count = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof count === 'number' && Number.isSafeInteger(count) && count >= 0) return count;
  throw new PageError(`${fetched.url}: expected ${what} to be a count, got ${jsonText(value).slice(0, 80)} (layout changed?)`);
}
