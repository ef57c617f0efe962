import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { declarativeAdapter } from '../../crawler/declarative/declarative-adapter.ts';
import type { DeclarativeSpec } from '../../crawler/declarative/source-spec.ts';
import type { FetchedPage, PageRequest, ParsedPage, SourceConfig } from '../../crawler/source-adapter.ts';
import { createCrawlServices } from './crawl-services.ts';
import { DEFAULT_POLITENESS } from './source-config.ts';

export interface TrySourceOptions {
  /** Fetch this URL instead of the source's first page (same method, headers and body). */
  url?: string;
  /** Read this file as the page instead of fetching anything. */
  fixture?: string;
}

export interface TrySourceResult {
  request: PageRequest;
  /** Where the page came from: the URL fetched, or the fixture file. */
  from: string;
  status: number;
  /** What the source made of the page, or why it rejected the whole page. */
  outcome: { ok: true; parsed: ParsedPage } | { ok: false; error: string };
}

/**
 * Reads one page of a declarative source the way a crawl would — the real
 * HTTP (or browser) fetcher with the source's politeness and robots rules,
 * or a saved page — and parses it, writing nothing: no store, no evidence.
 * A fetch failure throws; a page the source rejects (error envelope, layout
 * change) comes back as `outcome.ok === false`.
 *
 * @example
 * ```ts
 * const result = await trySource(spec, { fixture: 'test/fixtures/declarative/example-cn-board.html' });
 * if (result.outcome.ok) console.log(result.outcome.parsed.listings.length);
 * ```
 */
export async function trySource(spec: DeclarativeSpec, options: TrySourceOptions = {}): Promise<TrySourceResult> {
  const adapter = declarativeAdapter(spec);
  const source: SourceConfig = {
    id: spec.name,
    adapter: adapter.name,
    baseUrl: spec.baseUrl,
    params: adapter.defaultParams ?? {},
    politeness: { ...DEFAULT_POLITENESS, ...spec.politeness },
    maxPages: 1,
  };
  const [first] = adapter.startRequests(source);
  const request: PageRequest = { ...first!, ...(options.url ? { url: new URL(options.url).toString() } : {}) };
  const page = options.fixture ? await fixturePage(options.fixture, request.url) : await fetchOnce(adapter.fetcher, source, request);
  let outcome: TrySourceResult['outcome'];
  try {
    outcome = { ok: true, parsed: adapter.parse(page, request, source) };
  } catch (error) {
    outcome = { ok: false, error: (error as Error).message };
  }
  return { request, from: options.fixture ?? page.url, status: page.status, outcome };
}

/** A saved page, as if fetched from `url` (relative links resolve against it). */
async function fixturePage(file: string, url: string): Promise<FetchedPage> {
  const body = await readFile(file, 'utf8');
  return { url, status: 200, headers: {}, body, fetchedAt: new Date(), sha256: createHash('sha256').update(body).digest('hex') };
}

/** One fetch through a throw-away set of crawl services; a browser's evidence lands in a temporary folder, removed after. */
async function fetchOnce(kind: 'http' | 'browser', source: SourceConfig, request: PageRequest): Promise<FetchedPage> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'otcwatch-try-'));
  const services = createCrawlServices({ dataDir });
  try {
    services.limiter.configure(new URL(request.url).host, source.politeness, source.id);
    const fetcher = await services.fetcherFor(kind);
    return await fetcher.fetch(request, { respectRobots: source.politeness.respectRobots });
  } finally {
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
