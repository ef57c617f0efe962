import test, { type ExecutionContext } from 'ava';
import { BrowserFetcher } from '../../crawler/fetch/browser-fetcher.ts';
import { BrowserNotFoundError, findBrowser } from '../../crawler/fetch/find-browser.ts';
import type { BrowserPool, BrowserPoolEvents } from '../../crawler/fetch/browser-pool.ts';
import type { CrawlServices } from '../../scripts/jobs/crawl-services.ts';

/** Why browser tests cannot run on this machine, or null when a browser was found. */
const noBrowser: string | null = (() => {
  try {
    findBrowser();
    return null;
  } catch (error) {
    if (error instanceof BrowserNotFoundError) return error.message;
    throw error;
  }
})();

/**
 * What a browser test does here: run (a browser was found), fail (none, and
 * this run requires one: `OTCWATCH_REQUIRE_BROWSER=1`, or `CI` set, as
 * `.ci/run` does), or skip (none, on a developer's machine).
 *
 * @example
 * browserTestMode('no browser found…', { CI: 'true' }); // 'fail'
 */
export function browserTestMode(missing: string | null, env: NodeJS.ProcessEnv): 'run' | 'fail' | 'skip' {
  if (missing === null) return 'run';
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  return env.OTCWATCH_REQUIRE_BROWSER === '1' || ci ? 'fail' : 'skip';
}

/**
 * A test in real headless Chromium: serial, because each launches a
 * browser and several at once on a small machine turn timing into noise.
 * Without a browser it fails where one is required (CI), and is skipped,
 * with the reason in its title, elsewhere (see `browserTestMode`).
 *
 * @example
 * browserTest('the page renders', async (t) => { ... });
 */
export function browserTest(title: string, implementation: (t: ExecutionContext) => Promise<void>): void {
  const mode = browserTestMode(noBrowser, process.env);
  if (mode === 'run') test.serial(title, implementation);
  else if (mode === 'fail') test.serial(title, (t) => t.fail(`this run requires a browser (OTCWATCH_REQUIRE_BROWSER=1 or CI) and none was found: ${noBrowser}`));
  else test.skip(`${title} — skipped: ${noBrowser}`, implementation);
}

/**
 * The browser fetcher of a rig's crawl services (made on first use, like a
 * crawl would), with a log of its pool's events for the test to read.
 *
 * @example
 * const { fetcher, events } = await browserOf(rig.services);
 * t.is(events.filter((e) => e.name === 'launch').length, 1);
 */
export async function browserOf(services: CrawlServices): Promise<{ fetcher: BrowserFetcher; events: PoolEvent[] }> {
  const fetcher = await services.fetcherFor('browser');
  if (!(fetcher instanceof BrowserFetcher)) throw new TypeError('fetcherFor("browser") did not return a BrowserFetcher');
  return { fetcher, events: recordPoolEvents(fetcher.pool) };
}

/** One pool event as recorded: its name and payload. */
export type PoolEvent = { [K in keyof BrowserPoolEvents]: { name: K; payload: BrowserPoolEvents[K][0] } }[keyof BrowserPoolEvents];

/**
 * Every event of a pool, in order.
 *
 * @example
 * const events = recordPoolEvents(pool);
 * const launches = events.filter((e) => e.name === 'launch');
 */
export function recordPoolEvents(pool: BrowserPool): PoolEvent[] {
  const events: PoolEvent[] = [];
  pool.on('launch', (payload) => events.push({ name: 'launch', payload }));
  pool.on('context', (payload) => events.push({ name: 'context', payload }));
  pool.on('page', (payload) => events.push({ name: 'page', payload }));
  pool.on('memory', (payload) => events.push({ name: 'memory', payload }));
  pool.on('recycle', (payload) => events.push({ name: 'recycle', payload }));
  pool.on('crash', (payload) => events.push({ name: 'crash', payload }));
  return events;
}
