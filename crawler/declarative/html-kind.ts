import * as cheerio from 'cheerio';
import { isTag } from 'domhandler';
import type { SourceAdapter } from '../source-adapter.ts';
import { failIfHtmlCut, looksLikeInterstitial } from '../sources/page-checks.ts';
import { pageOrigin, parseRows } from '../sources/parse-rows.ts';
import { htmlRowReader } from './html-row.ts';
import { layoutChanged } from './layout-change.ts';
import { positionOf, requestFor } from './page-requests.ts';
import { firstPosition, nextPage, type PageFacts } from './pagination.ts';
import type { HtmlSpec } from './source-spec.ts';

/**
 * The page parser of an `html` or `browser` source: every element the
 * `rows` selector matches is one row; a page without rows is an empty page
 * only when `noResults` matches, and otherwise fails ("layout changed?",
 * with the page title, which names a captcha or login wall; a captcha or
 * interstitial is transient, read again first). A page that ends before its
 * closing tags was cut short and fails as transient too.
 *
 * @example
 * ```ts
 * const parse = htmlPageParser(spec);
 * parse(page, request, source).next; // [{ url: "…/market?page=2", … }]
 * ```
 */
export function htmlPageParser(spec: HtmlSpec): SourceAdapter['parse'] {
  const read = htmlRowReader(spec);
  const first = firstPosition(spec.pagination);
  return (page, request, source) => {
    failIfHtmlCut(page);
    // parse5, as a browser parses: spec selectors come from an inspector's tree (see sources/html-page.ts).
    const $ = cheerio.load(page.body);
    const rows = $(spec.rows).toArray().filter(isTag);
    if (rows.length === 0) {
      if (isNoResults(spec, $, page.body)) return { listings: [], failures: [], next: [] };
      const title = $('title').text().trim() || '(no title)';
      throw layoutChanged(page.url, `rows selector "${spec.rows}" matched nothing`, `page "${title}"`, looksLikeInterstitial(`${title} ${$('body').text().slice(0, 2000)}`));
    }
    const parsed = parseRows(rows, {
      platform: spec.platform,
      ...pageOrigin(page),
      raw: (element) => $.html(element),
      extract: (element) => read({ $, element }, source.params),
      ...(spec.maxFailureShare !== undefined ? { maxFailureShare: spec.maxFailureShare } : {}),
    });
    const next = nextPage(spec.pagination, positionOf(request, first), factsOf(spec, $, rows.length));
    return { ...parsed, next: next ? [requestFor(next, spec, source, page.url)] : [] };
  };
}

function isNoResults(spec: HtmlSpec, $: cheerio.CheerioAPI, body: string): boolean {
  const rule = spec.noResults;
  if (!rule) return false;
  return rule.regex !== undefined ? new RegExp(rule.regex, 'u').test(body) : $(rule.selector!).length > 0;
}

/** A cursor is read from the element's text unless `attr` says otherwise; a next link from its `href`. */
function factsOf(spec: HtmlSpec, $: cheerio.CheerioAPI, rowCount: number): PageFacts {
  const pagination = spec.pagination;
  if (pagination?.kind !== 'cursor' && pagination?.kind !== 'next_link') return { rowCount };
  const found = $(pagination.selector).first();
  const attr = pagination.attr ?? (pagination.kind === 'next_link' ? 'href' : undefined);
  const pointer = (attr === undefined ? found.text() : found.attr(attr))?.trim();
  return { rowCount, pointer: found.length > 0 && pointer ? pointer : null };
}
