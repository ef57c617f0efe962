import type { Frame, Page } from 'playwright-core';
import type { Readiness } from '../source-adapter.ts';

/**
 * Start watching for a page's readiness condition, before navigating (a
 * response may arrive before `goto` returns); the returned function waits
 * for it after navigation, for at most `timeoutMs`:
 * - `{ selector }` — an element matching the CSS selector is in the DOM;
 * - `{ response }` — a response whose URL contains the string (or matches
 *   it, written `/regex/flags`) has been received in full, and the page has
 *   run one more task, so a handler rendering straight from it has run;
 * - `{ function }` — the JavaScript expression is truthy in the page;
 * - none — the `load` event.
 * No fixed sleeps: the page is read as soon as it is ready.
 *
 * @example
 * ```ts
 * const ready = watchReadiness(page, { selector: '#ads-ready, #ads-error' }, 30_000);
 * await page.goto(url, { waitUntil: 'domcontentloaded' });
 * await ready();
 * ```
 */
export function watchReadiness(page: Page, readiness: Readiness | undefined, timeoutMs: number): () => Promise<void> {
  if (readiness === undefined) return async () => page.waitForLoadState('load', { timeout: timeoutMs });
  if ('selector' in readiness) {
    return async () => {
      await page.waitForSelector(readiness.selector, { state: 'attached', timeout: timeoutMs });
    };
  }
  if ('function' in readiness) {
    return async () => {
      await page.waitForFunction(readiness.function, undefined, { timeout: timeoutMs });
    };
  }
  const matches = urlMatcher(readiness.response);
  // A reused page may still get responses for its last document until the
  // new one commits; only responses after that count.
  let committed = false;
  const onNavigated = (frame: Frame) => {
    if (frame === page.mainFrame()) committed = true;
  };
  page.on('framenavigated', onNavigated);
  // No timeout of its own: it is counted from the end of navigation below.
  // It settles when the response comes or the page closes (a failed page
  // is always closed), and may be left unawaited when navigation fails.
  const response = page.waitForResponse((r) => committed && matches(r.url()), { timeout: 0 });
  response.then(
    () => page.off('framenavigated', onNavigated),
    () => page.off('framenavigated', onNavigated),
  );
  return async () => {
    await withTimeout(response.then((r) => r.finished()), timeoutMs, readiness.response);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
  };
}

/**
 * Say which condition a page did not meet, for error messages.
 *
 * @example
 * describeReadiness({ selector: '#ads-ready' }); // 'selector "#ads-ready"'
 */
export function describeReadiness(readiness: Readiness | undefined): string {
  if (readiness === undefined) return 'the load event';
  if ('selector' in readiness) return `selector ${JSON.stringify(readiness.selector)}`;
  if ('function' in readiness) return `function ${JSON.stringify(readiness.function)}`;
  return `response ${JSON.stringify(readiness.response)}`;
}

function urlMatcher(pattern: string): (url: string) => boolean {
  const regex = /^\/(.+)\/([imsu]*)$/.exec(pattern);
  if (regex) {
    const compiled = new RegExp(regex[1]!, regex[2]);
    return (url) => compiled.test(url);
  }
  return (url) => url.includes(pattern);
}

/** `response.finished()` has no timeout of its own; a body that never ends must still end the wait. */
async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReadinessTimeout(`response ${JSON.stringify(what)} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A readiness wait that ran out of time outside Playwright's own timeouts;
 * the fetcher treats it like Playwright's `TimeoutError`.
 *
 * @example
 * if (error instanceof ReadinessTimeout) retry();
 */
export class ReadinessTimeout extends Error {
  override readonly name = 'ReadinessTimeout';
}
