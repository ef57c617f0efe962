import { PageError, type FetchedPage } from '../source-adapter.ts';
import type { Pagination } from './pagination-spec.ts';

/** Where a crawl is in a source's pages: what `{{page}}`, `{{offset}}` and `{{cursor}}` are. */
export interface Position {
  page: number;
  offset: number;
  cursor: string;
}

/** What a kind found on a page that paging needs: how many rows, and what the page says of the rest. */
export interface PageFacts {
  /** Rows found, parsed or not. */
  rowCount: number;
  /** Rows in the whole result (`totalPath`). */
  total?: number;
  /** Pages in the whole result (`totalPagesPath`). */
  totalPages?: number;
  /** The cursor (`cursor`) or URL (`next_link`) the page gives, null when it gives none. */
  pointer?: string | null;
}

/** The next page: a position to fill the request template with, or a link to follow. */
export type NextPage = { position: Position } | { link: string; position: Position };

/**
 * The position of the first page: `{{page}}` = `start` (default 1),
 * `{{offset}}` = `start` (default 0), `{{cursor}}` empty.
 *
 * @example
 * ```ts
 * firstPosition({ kind: 'page', start: 0 }); // { page: 0, offset: 0, cursor: "" }
 * ```
 */
export function firstPosition(pagination: Pagination | undefined): Position {
  const start = pagination && 'start' in pagination ? pagination.start : undefined;
  return {
    page: pagination?.kind === 'page' ? (start ?? 1) : 1,
    offset: pagination?.kind === 'offset' ? (start ?? 0) : 0,
    cursor: '',
  };
}

/**
 * Decides whether a page has a successor, and where. A page with no rows
 * ends `page` and `offset` paging, as does one shorter than `pageSize` or
 * one that completes the announced total; `cursor` and `next_link` end when
 * the page gives no pointer, or gives the same one again (a loop).
 *
 * @example
 * ```ts
 * nextPage({ kind: 'page', pageSize: 50 }, { page: 1, offset: 0, cursor: '' }, { rowCount: 50, total: 120 });
 * // { position: { page: 2, offset: 0, cursor: "" } }
 * ```
 */
export function nextPage(pagination: Pagination | undefined, at: Position, facts: PageFacts): NextPage | null {
  if (!pagination) return null;
  const following = { ...at, page: at.page + 1 };
  switch (pagination.kind) {
    case 'page': {
      const pagesRead = at.page - (pagination.start ?? 1) + 1;
      if (isLast(facts, pagination.pageSize)) return null;
      if (facts.total !== undefined && pagination.pageSize !== undefined && pagesRead * pagination.pageSize >= facts.total) return null;
      if (facts.totalPages !== undefined && pagesRead >= facts.totalPages) return null;
      return { position: following };
    }
    case 'offset': {
      if (isLast(facts, pagination.pageSize)) return null;
      const offset = at.offset + pagination.pageSize;
      if (facts.total !== undefined && offset >= facts.total) return null;
      return { position: { ...following, offset } };
    }
    case 'cursor':
      return facts.pointer && facts.pointer !== at.cursor ? { position: { ...following, cursor: facts.pointer } } : null;
    case 'next_link':
      return facts.pointer ? { link: facts.pointer, position: following } : null;
  }
}

function isLast(facts: PageFacts, pageSize: number | undefined): boolean {
  return facts.rowCount === 0 || (pageSize !== undefined && facts.rowCount < pageSize);
}

/**
 * Fails a page that holds fewer rows than a full page (or none) while the
 * announced total (`totalPath`, `totalPagesPath`) says more follow: a list
 * cut short, or an empty list with `total > 0`, is not the end of the
 * result. Transient: the page is read again before it fails.
 *
 * @example
 * ```ts
 * failIfShort(page, { kind: 'page', pageSize: 10, totalPath: 'total' }, { page: 1, offset: 0, cursor: '' }, { rowCount: 0, total: 60 });
 * // throws PageError: … page 1 has 0 of 10 rows although the total 60 says more follow; cut short?
 * ```
 */
export function failIfShort(page: FetchedPage, pagination: Pagination | undefined, at: Position, facts: PageFacts): void {
  if (pagination?.kind !== 'page' && pagination?.kind !== 'offset') return;
  const pageSize = pagination.pageSize;
  if (pageSize === undefined || facts.rowCount >= pageSize) return;
  const served = pagination.kind === 'page' ? (at.page - (pagination.start ?? 1)) * pageSize : at.offset;
  const announced = facts.totalPages !== undefined ? facts.totalPages * pageSize : facts.total;
  // With totalPages only whole pages are known: the last page may be short.
  const missing =
    announced !== undefined &&
    (facts.rowCount === 0 ? served < announced : facts.totalPages !== undefined ? served + pageSize < announced : served + facts.rowCount < announced);
  if (!missing) return;
  const said = facts.totalPages !== undefined ? `${facts.totalPages} pages` : `the total ${facts.total}`;
  throw new PageError(`${page.url}: page ${at.page} has ${facts.rowCount} of ${pageSize} rows although ${said} says more follow; cut short?`, { transient: true });
}
