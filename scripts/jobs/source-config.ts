import { httpBaseUrl } from '../../crawler/base-url.ts';
import { checkLimit, politenessProblems } from '../../crawler/crawl-limits.ts';
import type { SourceAdapter, SourceConfig, PolitenessConfig } from '../../crawler/source-adapter.ts';
import type { SourceRow } from '../../store/sources.ts';

/** Pages a crawl reads at most unless the source's params say `maxPages`. */
export const DEFAULT_MAX_PAGES = 500;

/** Politeness of a source nobody configured: one request at a time, 1 s apart, robots honoured. */
export const DEFAULT_POLITENESS: PolitenessConfig = {
  requestsPerInterval: 0,
  intervalMs: 1000,
  concurrency: 1,
  minGapMs: 1000,
  respectRobots: true,
};

/**
 * The config an adapter crawls with: its defaults, overlaid by the stored
 * source row, overlaid by the caller's overrides (e.g. `crawl --min-gap-ms`).
 * The row's base URL is checked again: it may have been edited in SQL.
 */
export function sourceConfigOf(row: SourceRow, adapter: SourceAdapter, overrides: Partial<PolitenessConfig> = {}): SourceConfig {
  const params = { ...adapter.defaultParams, ...row.params };
  // A stored row may have been written by hand (`sql --write`): it is held to the same limits as the CLI.
  const maxPages = checkLimit('maxPages', params.maxPages ?? DEFAULT_MAX_PAGES, `source ${row.id}: params.maxPages`);
  const politeness = { ...DEFAULT_POLITENESS, ...adapter.defaultPoliteness, ...(row.politeness as Partial<PolitenessConfig>), ...definedOnly(overrides) };
  const [problem] = politenessProblems(politeness, `source ${row.id}: politeness.`);
  if (problem !== undefined) throw new RangeError(`${problem}; fix it with: otcwatch sources set ${row.id}`);
  return { id: row.id, adapter: row.adapter, baseUrl: httpBaseUrl(row.base_url, `source ${row.id}: base_url`), params, maxPages, politeness };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
