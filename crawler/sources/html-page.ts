import * as cheerio from 'cheerio';

/**
 * A coded adapter's HTML page as cheerio reads it, parsed by htmlparser2,
 * as Crawlee's CheerioCrawler parses: about twice as fast as cheerio's
 * default, parse5, which builds the tree a browser would (implied `html`,
 * `head`, `tbody`) where an adapter's own selectors need none of it.
 * Declarative sources keep parse5 (`declarative/html-kind.ts`): their
 * selectors are copied from a browser's inspector, `tbody` and all.
 *
 * @example
 * const $ = loadHtml(page.body);
 * $('table.ads tr.ad').length; // 20
 */
export function loadHtml(body: string): cheerio.CheerioAPI {
  return cheerio.load(body, HTMLPARSER2);
}

// `xml` with `xmlMode: false` is cheerio's switch to htmlparser2 in HTML mode.
const HTMLPARSER2 = { xml: { xmlMode: false, decodeEntities: true } };
