import type { FetchedPage, PageRequest } from './source-adapter.ts';

/** What the crawl runner needs of a fetcher; the HTTP and browser fetchers both are one. */
export interface Fetcher {
  fetch(request: PageRequest, options?: { respectRobots?: boolean }): Promise<FetchedPage>;
}
