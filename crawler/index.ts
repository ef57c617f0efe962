/**
 * `otcwatch/crawler`: acquisition as a library — the crawl loop, the
 * polite HTTP fetcher and its per-host limiter, the shipped adapters,
 * declarative sources and listing normalization. Nothing here touches a
 * store. An example is in the README ("Using otcwatch as a library").
 *
 * @example
 * import { crawlSource, getAdapter, HostLimiter, HttpFetcher } from 'otcwatch/crawler';
 * const result = await crawlSource({ adapter: getAdapter('demo-api'), source, fetcher: new HttpFetcher({ limiter: new HostLimiter() }) });
 */
export { crawlSource, type CrawledPage, type CrawlProgress, type CrawlResult, type CrawlSourceOptions } from './crawl-runner.ts';
export { declarativeAdapter } from './declarative/declarative-adapter.ts';
export { loadSourceFile } from './declarative/load-source-file.ts';
export type { Exchange, ExchangeArchive } from './evidence/exchange.ts';
export { WarcWriter, type ArchivedExchange, type ArchivedRecord, type WarcWriterProps } from './evidence/warc-writer.ts';
export type { Fetcher } from './fetcher.ts';
export { HostLimiter } from './fetch/host-limiter.ts';
export { HttpFetcher, type HttpFetcherProps } from './fetch/http-fetcher.ts';
export type { ListingSide, NormalizedListing, ParseFailure, PaymentMethodRef } from './listing.ts';
export { normalizeListing, type ListingContext, type RawListing } from './normalize/listing.ts';
export { PAYMENT_METHOD_CATALOG } from './normalize/payment-methods.ts';
export { PageError, type FetchedPage, type PageRequest, type ParsedPage, type PolitenessConfig, type SourceAdapter, type SourceConfig } from './source-adapter.ts';
export { adapterForSource, adapters, getAdapter } from './sources/index.ts';
