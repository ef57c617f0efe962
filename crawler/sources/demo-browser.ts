import { PageError, type PageRequest, type Readiness, type SourceAdapter } from '../source-adapter.ts';
import { boardPagesAfterFailure, parseDemoBoard } from './demo-html.ts';
import { loadHtml } from './html-page.ts';

/** The page's script appends one of these when it has rendered the ads, or failed to. */
const READY: Readiness = { selector: '#ads-ready, #ads-error' };

/**
 * The demo marketplace's JavaScript-rendered board: `GET /app?page=N` is an
 * empty shell whose script fetches the ads and renders the same markup as
 * `/market`, so it is read in the browser and parsed by `parseDemoBoard`.
 * A page whose script reports a load error (`#ads-error`) fails, rather
 * than reading as a page without ads.
 */
export const demoBrowserAdapter: SourceAdapter = {
  name: 'demo-browser',
  kind: 'browser',
  fetcher: 'browser',
  platform: 'demo',
  hostCountry: 'SC',
  defaultBaseUrl: 'http://127.0.0.1:8787',
  // A local server: polite enough to show the limiter at work, fast enough for a demo.
  defaultPoliteness: { minGapMs: 50, concurrency: 2 },
  description: 'Demo marketplace, JavaScript-rendered board (needs Chromium)',

  startRequests(source) {
    return [appPage(new URL('/app?page=1', source.baseUrl).toString())];
  },

  parse(page) {
    const $ = loadHtml(page.body);
    if ($('#ads-error').length > 0) {
      const why = $('.load-error').text().trim() || 'no message';
      throw new PageError(`${page.url}: the page's script could not load the ads (${why}); the site's API failed behind the page`);
    }
    const parsed = parseDemoBoard(page);
    return { ...parsed, next: parsed.next.map((next) => appPage(next.url)) };
  },

  afterFailure: (request) => boardPagesAfterFailure(request),
};

function appPage(url: string): PageRequest {
  return { url, readiness: READY };
}
