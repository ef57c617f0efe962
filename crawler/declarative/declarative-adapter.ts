import type { SourceAdapter } from '../source-adapter.ts';
import { htmlPageParser } from './html-kind.ts';
import { jsonPageParser } from './json-kind.ts';
import { requestAt, requestPastFailure } from './page-requests.ts';
import { firstPosition } from './pagination.ts';
import type { DeclarativeSpec } from './source-spec.ts';

/** The `adapter` and `kind` of every declarative source row. */
export const DECLARATIVE = 'declarative';

/**
 * A `SourceAdapter` made from a declarative source file's spec: it plans
 * the first page from the request template and parses pages by the spec's
 * kind. Like every adapter it never fetches or stores; `browser` sources
 * ask for the browser fetcher.
 *
 * @example
 * ```ts
 * const adapter = declarativeAdapter(loadSourceFile('crawler/sources/declarative/demo-board.yaml'));
 * adapter.startRequests(source); // [{ url: "http://127.0.0.1:8787/market?page=1", … }]
 * ```
 */
export function declarativeAdapter(spec: DeclarativeSpec): SourceAdapter {
  const first = firstPosition(spec.pagination);
  return {
    name: spec.name,
    kind: DECLARATIVE,
    fetcher: spec.kind === 'browser' ? 'browser' : 'http',
    defaultBaseUrl: spec.baseUrl,
    description: spec.description ?? `declarative ${spec.kind} source`,
    platform: spec.platform,
    ...(spec.hostCountry ? { hostCountry: spec.hostCountry } : {}),
    defaultParams: sourceParamsOf(spec),
    ...(spec.politeness ? { defaultPoliteness: spec.politeness } : {}),
    startRequests: (source) => [requestAt(spec, source, first)],
    parse: spec.kind === 'json' ? jsonPageParser(spec) : htmlPageParser(spec),
    afterFailure: (request, source) => requestPastFailure(spec, request, source, first),
  };
}

/**
 * The source params a spec implies: its own `params` (read by
 * `{{params.NAME}}`), `maxPages`, and `schedule` (kept for the scheduler).
 *
 * @example
 * ```ts
 * sourceParamsOf({ params: { rows: 50 }, maxPages: 20, schedule: '*\/15 * * * *', … }); // { rows: 50, maxPages: 20, schedule: "*\/15 * * * *" }
 * ```
 */
export function sourceParamsOf(spec: DeclarativeSpec): Record<string, unknown> {
  return {
    ...spec.params,
    ...(spec.maxPages !== undefined ? { maxPages: spec.maxPages } : {}),
    ...(spec.schedule !== undefined ? { schedule: spec.schedule } : {}),
  };
}
