import { isPastFailure, pastFailure, type PageRequest, type SourceConfig } from '../source-adapter.ts';
import type { NextPage, Position } from './pagination.ts';
import type { DeclarativeSpec } from './source-spec.ts';
import { renderJsonTemplate, renderTemplate, type TemplateLookup } from './template.ts';

/**
 * The request for one page of a source: the request template filled at
 * `position`, resolved against the source's base URL (so `sources set
 * --base-url` re-points a declarative source like a coded one). The
 * position rides along in `meta` for `parse`.
 *
 * @example
 * ```ts
 * requestAt(spec, source, { page: 2, offset: 0, cursor: '' });
 * // { url: "http://127.0.0.1:8787/api/v1/ads?page=2&rows=50", method: "GET", meta: { position: … } }
 * ```
 */
export function requestAt(spec: DeclarativeSpec, source: SourceConfig, position: Position): PageRequest {
  const lookup = lookupAt(spec, source, position);
  const headers = Object.fromEntries(Object.entries(spec.request.headers ?? {}).map(([name, value]) => [name, renderTemplate(value, lookup)]));
  const request: PageRequest = {
    url: new URL(renderTemplate(spec.request.url, lookup, encodeURIComponent), source.baseUrl).toString(),
    method: spec.request.method ?? 'GET',
    meta: { position },
    ...browserNeeds(spec),
  };
  const body = spec.request.body;
  if (typeof body === 'string') request.body = renderTemplate(body, lookup);
  if (body !== undefined && typeof body !== 'string') {
    request.body = JSON.stringify(renderJsonTemplate(body, lookup));
    headers['content-type'] ??= 'application/json';
  }
  if (Object.keys(headers).length > 0) request.headers = headers;
  return request;
}

/** The request for the page after this one: a filled template, or a GET of the link found (resolved against the page's URL). */
export function requestFor(next: NextPage, spec: DeclarativeSpec, source: SourceConfig, pageUrl: string): PageRequest {
  if (!('link' in next)) return requestAt(spec, source, next.position);
  return { url: new URL(next.link, pageUrl).toString(), method: 'GET', meta: { position: next.position }, ...browserNeeds(spec) };
}

/**
 * The request after a failed page, when the next one can be planned
 * without it: `page` and `offset` pagination count on from the failed
 * page's position; `cursor` and `next_link` need the page, so nothing.
 * Not past a second failure in a row (`pastFailure`).
 *
 * @example
 * ```ts
 * requestPastFailure(spec, failedRequest, source, first); // [{ url: "…?page=4", meta: { position: …, pastFailure: true } }]
 * ```
 */
export function requestPastFailure(spec: DeclarativeSpec, request: PageRequest, source: SourceConfig, first: Position): PageRequest[] {
  const pagination = spec.pagination;
  if (isPastFailure(request) || (pagination?.kind !== 'page' && pagination?.kind !== 'offset')) return [];
  const at = positionOf(request, first);
  const offset = pagination.kind === 'offset' ? at.offset + pagination.pageSize : at.offset;
  return [pastFailure(requestAt(spec, source, { ...at, page: at.page + 1, offset }))];
}

/** The position a request was made at (the first page's when a caller made the request by hand). */
export function positionOf(request: PageRequest, first: Position): Position {
  const position = request.meta?.position;
  return isPosition(position) ? position : first;
}

function lookupAt(spec: DeclarativeSpec, source: SourceConfig, position: Position): TemplateLookup {
  const pageSize = spec.pagination && 'pageSize' in spec.pagination ? spec.pagination.pageSize : undefined;
  const variables: Record<string, unknown> = { ...position, pageSize };
  return (name) => (name.startsWith('params.') ? source.params[name.slice('params.'.length)] : variables[name]);
}

/** What a browser page must wait for before it is read; nothing for HTTP kinds. */
function browserNeeds(spec: DeclarativeSpec): Pick<PageRequest, 'readiness'> {
  if (spec.kind !== 'browser') return {};
  const { selector, response } = spec.readiness;
  return { readiness: selector !== undefined ? { selector } : response !== undefined ? { response } : { function: spec.readiness.function! } };
}

function isPosition(value: unknown): value is Position {
  return typeof value === 'object' && value !== null && typeof (value as Position).page === 'number' && typeof (value as Position).offset === 'number' && typeof (value as Position).cursor === 'string';
}
