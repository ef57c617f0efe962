import { errors } from 'playwright-core';
import { FetchError } from './fetch-error.ts';
import { ReadinessTimeout } from './browser-readiness.ts';

/** What the fetcher was doing when a browser call failed. */
export type BrowserPhase =
  | { kind: 'page' }
  | { kind: 'navigation'; timeoutMs: number }
  | { kind: 'readiness'; timeoutMs: number; condition: string }
  | { kind: 'read' };

/**
 * Turn what Playwright throws into a `FetchError` whose kind tells the retry
 * policy what to do, with a message an investigator can act on:
 * - a timeout → `timeout` (retried: the page hung);
 * - a browser that closed under the page (crash, kill) → `network` (retried
 *   on a relaunched browser);
 * - a Chromium network error (`net::ERR_…`) → `network` (retried).
 * Anything else (a bad selector, a script error in a readiness function) is
 * the adapter's bug and comes back unchanged, so it is not retried.
 *
 * @example
 * try { await page.goto(url, { timeout }); } catch (error) { throw browserFetchError(error, url, { kind: 'navigation', timeoutMs: timeout }); }
 */
export function browserFetchError(error: unknown, url: string, phase: BrowserPhase): unknown {
  if (error instanceof FetchError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof errors.TimeoutError || error instanceof ReadinessTimeout) {
    return new FetchError({
      kind: 'timeout',
      url,
      cause: error,
      message: timeoutMessage(url, phase, message),
    });
  }
  if (/has been closed|Target closed|browser has disconnected/i.test(message)) {
    return new FetchError({
      kind: 'network',
      url,
      cause: error,
      message: `the browser closed while reading ${url} (it crashed or was killed); otcwatch relaunches it`,
    });
  }
  const net = /net::ERR_[A-Z_]+/.exec(message);
  if (net) {
    return new FetchError({
      kind: 'network',
      url,
      cause: error,
      message: `the browser could not load ${url} (${net[0]}); check that the host is reachable from this machine`,
    });
  }
  return error;
}

function timeoutMessage(url: string, phase: BrowserPhase, message: string): string {
  switch (phase.kind) {
    case 'page':
      return `no browser page could be had for ${url} in time (${firstLine(message)}); the machine may be overloaded`;
    case 'navigation':
      return `${url} did not load in the browser within navigationTimeoutMs ${phase.timeoutMs} ms; if the site is just slow, raise navigationTimeoutMs`;
    case 'readiness':
      return `${url} loaded, but its readiness condition (${phase.condition}) was not met within readinessTimeoutMs ${phase.timeoutMs} ms; the page hung or its layout changed — check the adapter's readiness`;
    case 'read':
      return `${url} was ready, but reading it from the browser timed out (${firstLine(message)})`;
  }
}

/** Playwright appends a call log after the first line; the first line is the cause. */
function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
