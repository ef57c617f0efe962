import { PageError, type FetchedPage } from '../source-adapter.ts';

/**
 * Parses a page body as JSON, or fails the page saying what came instead
 * (an HTML error page, a truncated body): never read as "no listings".
 */
export function jsonBody(page: FetchedPage): unknown {
  try {
    return JSON.parse(page.body);
  } catch {
    const start = page.body.slice(0, 80).replace(/\s+/g, ' ');
    throw new PageError(`${page.url} did not return JSON (HTTP ${page.status}, body starts "${start}")`);
  }
}

/** Reads `value` as an object, or fails the page naming what was expected where. */
export function asRecord(value: unknown, what: string, page: FetchedPage): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new PageError(`${page.url}: expected ${what} to be an object, got ${JSON.stringify(value)?.slice(0, 80)} (layout changed?)`);
}

/** Reads `value` as an array of rows, or fails the page (layout changed?). */
export function asRows(value: unknown, what: string, page: FetchedPage): unknown[] {
  if (Array.isArray(value)) return value;
  throw new PageError(`${page.url}: expected ${what} to be a list of rows, got ${JSON.stringify(value)?.slice(0, 80)} (layout changed?)`);
}
