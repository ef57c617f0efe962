import { jsonText, parseJsonText } from '../normalize/json-text.ts';
import { escapeControls } from '../normalize/text-hygiene.ts';
import { PageError, type FetchedPage } from '../source-adapter.ts';
import { looksLikeInterstitial } from './page-checks.ts';

/**
 * Parses a page body as JSON without losing a digit (`parseJsonText`:
 * fractional and huge numbers keep their source text), or fails the page
 * saying what came instead (an HTML error page, a truncated body): never
 * read as "no listings".
 *
 * @example
 * const body = jsonBody(page);
 */
export function jsonBody(page: FetchedPage): unknown {
  try {
    return parseJsonText(page.body);
  } catch {
    const start = escapeControls(page.body.slice(0, 80).replace(/\s+/g, ' '));
    // A captcha or bot check served in place of the API often clears on a later try.
    const interstitial = looksLikeInterstitial(page.body.slice(0, 4096));
    throw new PageError(`${page.url} did not return JSON (HTTP ${page.status}, body starts "${start}")${interstitial ? '; it reads as a captcha or interstitial' : ''}`, {
      transient: interstitial,
    });
  }
}


/** Reads `value` as an object, or fails the page naming what was expected where. */
export function asRecord(value: unknown, what: string, page: FetchedPage): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new PageError(`${page.url}: expected ${what} to be an object, got ${jsonText(value).slice(0, 80)} (layout changed?)`);
}

/** Reads `value` as an array of rows, or fails the page (layout changed?). */
export function asRows(value: unknown, what: string, page: FetchedPage): unknown[] {
  if (Array.isArray(value)) return value;
  throw new PageError(`${page.url}: expected ${what} to be a list of rows, got ${jsonText(value).slice(0, 80)} (layout changed?)`);
}
