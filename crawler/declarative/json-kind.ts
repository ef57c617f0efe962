import { jsonText } from '../normalize/json-text.ts';
import { pageOrigin, parseRows } from '../sources/parse-rows.ts';
import { jsonBody } from '../sources/json-body.ts';
import { PageError, type FetchedPage, type SourceAdapter } from '../source-adapter.ts';
import { readPath } from './json-path.ts';
import { jsonRowReader } from './json-row.ts';
import { layoutChanged } from './layout-change.ts';
import { requestFor, positionOf } from './page-requests.ts';
import { failIfShort, firstPosition, nextPage, type PageFacts } from './pagination.ts';
import type { JsonSpec } from './source-spec.ts';

/**
 * The page parser of a `json` source. In order: a body that is not JSON,
 * a `retryOn` envelope (transient: read again first) or one failing the
 * `errorEnvelope` rule fails the page; rows at `rows` are parsed one by one;
 * no rows at all is an empty page only when `noResults` says so, and
 * otherwise fails the page ("layout changed?"); a page shorter than the
 * announced total says it should be fails as cut short (transient).
 *
 * @example
 * ```ts
 * const parse = jsonPageParser(spec);
 * parse(page, request, source).listings.length; // 50
 * ```
 */
export function jsonPageParser(spec: JsonSpec): SourceAdapter['parse'] {
  const read = jsonRowReader(spec);
  const first = firstPosition(spec.pagination);
  return (page, request, source) => {
    const body = jsonBody(page);
    checkTransient(spec, body, page);
    checkEnvelope(spec, body, page);
    const rows = readPath(body, spec.rows);
    if (!Array.isArray(rows) || rows.length === 0) {
      // Marked empty, but the page's own count says otherwise: not an empty market (`{"total": 60, "items": []}`).
      if (isNoResults(spec, body, page)) {
        failIfShort(page, spec.pagination, positionOf(request, first), factsOf(spec, body, 0, page));
        return { listings: [], failures: [], next: [] };
      }
      const found = Array.isArray(rows) ? 'an empty list' : rows === undefined ? 'nothing' : jsonText(rows).slice(0, 60);
      throw layoutChanged(page.url, `rows path "${spec.rows}" found ${found}`);
    }
    const parsed = parseRows(rows, {
      platform: spec.platform,
      raw: jsonText,
      ...pageOrigin(page),
      extract: (row) => read(row, source.params),
      ...(spec.maxFailureShare !== undefined ? { maxFailureShare: spec.maxFailureShare } : {}),
    });
    const at = positionOf(request, first);
    const facts = factsOf(spec, body, rows.length, page);
    failIfShort(page, spec.pagination, at, facts);
    const next = nextPage(spec.pagination, at, facts);
    return { ...parsed, next: next ? [requestFor(next, spec, source, page.url)] : [] };
  };
}

function checkTransient(spec: JsonSpec, body: unknown, page: FetchedPage): void {
  const rule = spec.retryOn;
  if (!rule) return;
  const value = readPath(body, rule.path);
  if (!rule.in.some((code) => sameScalar(value, code))) return;
  const message = rule.messagePath === undefined ? undefined : readPath(body, rule.messagePath);
  throw new PageError(`${page.url}: transient envelope ${rule.path}=${jsonText(value)}${message === undefined ? '' : `: ${String(message)}`}`, { transient: true });
}

function checkEnvelope(spec: JsonSpec, body: unknown, page: FetchedPage): void {
  const rule = spec.errorEnvelope;
  if (!rule) return;
  const value = readPath(body, rule.path);
  if (sameScalar(value, rule.equals)) return;
  const message = rule.messagePath === undefined ? undefined : readPath(body, rule.messagePath);
  throw new PageError(`${page.url}: error envelope ${rule.path}=${value === undefined ? 'absent' : jsonText(value)}${message === undefined ? '' : `: ${String(message)}`}`);
}

/** `noResults: { path, equals }` matches that value; without `equals`, an empty list, 0, "" or null at `path`. */
function isNoResults(spec: JsonSpec, body: unknown, page: FetchedPage): boolean {
  const rule = spec.noResults;
  if (!rule) return false;
  if (rule.regex !== undefined) return new RegExp(rule.regex, 'u').test(page.body);
  const value = readPath(body, rule.path!);
  if ('equals' in rule) return sameScalar(value, rule.equals);
  return value === null || value === 0 || value === '' || (Array.isArray(value) && value.length === 0);
}

function factsOf(spec: JsonSpec, body: unknown, rowCount: number, page: FetchedPage): PageFacts {
  const pagination = spec.pagination;
  const facts: PageFacts = { rowCount };
  if (pagination?.kind === 'page' || pagination?.kind === 'offset') {
    if (pagination.totalPath !== undefined) facts.total = countAt(body, pagination.totalPath, page);
    if (pagination.kind === 'page' && pagination.totalPagesPath !== undefined) facts.totalPages = countAt(body, pagination.totalPagesPath, page);
  }
  if (pagination?.kind === 'cursor' || pagination?.kind === 'next_link') {
    const pointer = readPath(body, pagination.path);
    facts.pointer = pointer === null || pointer === undefined || pointer === '' ? null : String(pointer);
  }
  return facts;
}

/** A count the page must carry (`data.total`); its absence is a layout change, not "no more pages". */
function countAt(body: unknown, path: string, page: FetchedPage): number {
  const value = readPath(body, path);
  const count = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isFinite(count)) {
    throw new PageError(`${page.url}: expected a count at "${path}", got ${value === undefined ? 'nothing' : jsonText(value)} (layout changed?)`);
  }
  return count;
}

/** Envelope codes are compared as text too: one API says `"0"`, its twin `0`. */
function sameScalar(value: unknown, expected: unknown): boolean {
  return value === expected || (value !== null && value !== undefined && expected !== null && String(value) === String(expected));
}
