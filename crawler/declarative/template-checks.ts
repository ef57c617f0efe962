import type { z } from 'zod';
import { isJsonPath } from './json-path.ts';
import type { Pagination } from './pagination-spec.ts';
import type { RequestSpec } from './source-spec.ts';
import { placeholdersOf, stringsIn } from './template.ts';

/** Placeholders a request template may use besides `params.NAME`. */
export const REQUEST_VARIABLES = ['page', 'offset', 'cursor', 'pageSize'] as const;
/** Keys the stored source row's params use for itself; a source's own params may not take them. */
const RESERVED_PARAMS = ['spec', 'sourceFile', 'shipped', 'maxPages', 'schedule'];

/** The parts of a spec its templates refer to. */
interface TemplatedSpec {
  kind: 'json' | 'html' | 'browser';
  request: RequestSpec;
  params?: Record<string, unknown> | undefined;
  pagination?: Pagination | undefined;
  fields: Record<string, unknown>;
}

/**
 * A refinement of a whole spec: every placeholder names something that
 * will have a value, so a typo fails `sources validate`, not the first
 * crawl. Request templates use `page`, `offset`, `cursor`, `pageSize` (when
 * the pagination has one) and `params.NAME` (when set); field templates use
 * `params.NAME`, and in `json` sources also paths into the row.
 *
 * @example
 * z.strictObject({ … }).superRefine(checkTemplates);
 * // request.url: unknown placeholder {{pg}}; expected one of page, offset, cursor, pageSize or params.NAME
 */
export function checkTemplates(spec: TemplatedSpec, ctx: z.RefinementCtx): void {
  const report = (path: string, problem: string | null) => {
    if (problem) ctx.addIssue({ code: 'custom', path: path.split('.'), message: problem });
  };
  const requestTemplates: [string, string][] = [
    ['request.url', spec.request.url],
    ...Object.entries(spec.request.headers ?? {}).map(([name, value]): [string, string] => [`request.headers.${name}`, value]),
    ...stringsIn(spec.request.body).map((text): [string, string] => ['request.body', text]),
  ];
  for (const [path, template] of requestTemplates) {
    for (const name of placeholdersOf(template)) report(path, requestPlaceholderProblem(name, spec));
  }
  for (const [field, value] of Object.entries(spec.fields)) {
    const template = (value as { template?: unknown } | undefined)?.template;
    if (typeof template !== 'string') continue;
    for (const name of placeholdersOf(template)) report(`fields.${field}.template`, fieldPlaceholderProblem(name, spec));
  }
  for (const key of Object.keys(spec.params ?? {})) {
    if (RESERVED_PARAMS.includes(key)) report(`params.${key}`, `"${key}" is reserved; use another name`);
  }
}

function requestPlaceholderProblem(name: string, spec: TemplatedSpec): string | null {
  if (name.startsWith('params.')) return paramProblem(name, spec);
  if (!(REQUEST_VARIABLES as readonly string[]).includes(name)) {
    return `unknown placeholder {{${name}}}; expected one of ${REQUEST_VARIABLES.join(', ')} or params.NAME`;
  }
  const pageSize = spec.pagination && 'pageSize' in spec.pagination ? spec.pagination.pageSize : undefined;
  return name === 'pageSize' && pageSize === undefined ? '{{pageSize}} needs pagination.pageSize' : null;
}

function fieldPlaceholderProblem(name: string, spec: TemplatedSpec): string | null {
  if (name.startsWith('params.')) return paramProblem(name, spec);
  if (spec.kind !== 'json') return `{{${name}}}: an HTML field template can only use params.NAME`;
  return isJsonPath(name) ? null : `{{${name}}} is not a path into the row`;
}

function paramProblem(name: string, spec: TemplatedSpec): string | null {
  return name.slice('params.'.length) in (spec.params ?? {}) ? null : `{{${name}}} is not set under params`;
}
