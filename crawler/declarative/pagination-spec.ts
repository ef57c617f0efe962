import { z } from 'zod';
import { jsonPathText, selectorText } from './spec-checks.ts';

const start = z.int().min(0).optional();
const pageSize = z.int().min(1);

/**
 * How a source finds its next page. `page` and `offset` count through the
 * request template's `{{page}}` / `{{offset}}` and stop at a page with fewer
 * rows than `pageSize` (or none), or once `totalPath` / `totalPagesPath` says
 * every row was served. `cursor` fills `{{cursor}}` from the page and
 * `next_link` follows a URL from the page; both stop when the page has none.
 *
 * @example
 * pagination: { kind: page, pageSize: 50, totalPath: data.total }   # JSON
 * pagination: { kind: next_link, selector: 'a[rel=next]' }          # HTML
 */
export const jsonPagination = z.discriminatedUnion('kind', [
  z
    .strictObject({ kind: z.literal('page'), start, pageSize: pageSize.optional(), totalPath: jsonPathText.optional(), totalPagesPath: jsonPathText.optional() })
    .superRefine((page, ctx) => {
      // A total of rows says nothing about pages without their size.
      if (page.totalPath !== undefined && page.pageSize === undefined) ctx.addIssue({ code: 'custom', path: ['pageSize'], message: 'required with totalPath' });
    }),
  z.strictObject({ kind: z.literal('offset'), start, pageSize, totalPath: jsonPathText.optional() }),
  z.strictObject({ kind: z.literal('cursor'), path: jsonPathText }),
  z.strictObject({ kind: z.literal('next_link'), path: jsonPathText }),
]);

/** As for JSON, with a selector (and `attr`, default the text for a cursor and `href` for a link) instead of a path. */
export const htmlPagination = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('page'), start, pageSize: pageSize.optional() }),
  z.strictObject({ kind: z.literal('offset'), start, pageSize }),
  z.strictObject({ kind: z.literal('cursor'), selector: selectorText, attr: z.string().min(1).optional() }),
  z.strictObject({ kind: z.literal('next_link'), selector: selectorText, attr: z.string().min(1).optional() }),
]);

export type JsonPagination = z.infer<typeof jsonPagination>;
export type HtmlPagination = z.infer<typeof htmlPagination>;
export type Pagination = JsonPagination | HtmlPagination;
