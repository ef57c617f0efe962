import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { BrowserFetcher } from '../crawler/fetch/browser-fetcher.ts';
import { FetchError } from '../crawler/fetch/fetch-error.ts';
import { HostLimiter } from '../crawler/fetch/host-limiter.ts';
import { parseDemoBoard } from '../crawler/sources/demo-html.ts';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { browserTest } from './helpers/browser-rig.ts';

/** A demo marketplace and a browser fetcher without rate limits or robots, closed after the test. */
async function fetcherRig(t: ExecutionContext) {
  const [market, dir] = await Promise.all([startDemoMarketplace(), mkdtemp(path.join(tmpdir(), 'otcwatch-browser-'))]);
  const fetcher = new BrowserFetcher({
    limiter: new HostLimiter({ defaults: { minGapMs: 0, concurrency: 8 } }),
    robots: null,
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
  });
  t.teardown(async () => {
    await fetcher.close();
    await market.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { market, fetcher, app: (page: number) => `${market.url}/app?page=${page}` };
}

browserTest('each kind of readiness waits until the rows are rendered', async (t) => {
  const { fetcher, app } = await fetcherRig(t);
  const conditions = [
    { selector: '#ads-ready' },
    { function: "document.body.dataset.ready === '1'" },
    { response: '/api/v1/ads?page=2' },
    { response: '/\\/api\\/v1\\/ads\\?page=\\d/' },
  ];
  for (const readiness of conditions) {
    const page = await fetcher.fetch({ url: app(2), readiness });
    t.is(parseDemoBoard(page).listings.length, 20, JSON.stringify(readiness));
  }
});

browserTest('an error status fails at once; a 503 is retried', async (t) => {
  const { market, fetcher, app } = await fetcherRig(t);
  const missing = await t.throwsAsync(fetcher.fetch({ url: `${market.url}/nowhere` }), { instanceOf: FetchError });
  t.is(missing.status, 404);
  t.is(missing.attempts, 1);
  market.faults.inject({ path: '/app', kind: '503', times: 1 });
  const page = await fetcher.fetch({ url: app(1), readiness: { selector: '#ads-ready' } });
  t.is(page.status, 200);
  t.is(fetcher.stats.retries, 1);
  t.deepEqual(market.requestLog.matching('/app').map((e) => e.status), [503, 200]);
});

browserTest('a browser reads pages by GET only, and says so before sending anything', async (t) => {
  const { market, fetcher, app } = await fetcherRig(t);
  await t.throwsAsync(fetcher.fetch({ url: app(1), method: 'POST', body: '{}' }), { instanceOf: TypeError, message: /GET only/ });
  t.deepEqual(market.requestLog.entries, []);
});

browserTest('an abort ends a navigation and a readiness wait at once, and the fetcher goes on working', async (t) => {
  const { market, fetcher, app } = await fetcherRig(t);
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  // A minute-long page, and a readiness condition that never holds (30 s
  // default timeout): had the abort not reached them, this test would outlast ava's timeout.
  market.faults.inject({ path: '/app', query: { page: '1' }, kind: 'slow', delayMs: 60_000, times: 1 });
  const navigating = new AbortController();
  const slow = fetcher.fetch({ url: app(1) }, { signal: navigating.signal });
  await until(() => market.requestLog.matching('/app?page=1').length === 1);
  navigating.abort(new Error('stop navigating'));
  await t.throwsAsync(slow, { message: 'stop navigating' });

  const waiting = new AbortController();
  const never = fetcher.fetch({ url: app(2), readiness: { selector: '#never-there' } }, { signal: waiting.signal });
  await until(() => market.requestLog.entries.some((e) => e.path.startsWith('/api/v1/ads?page=2')));
  waiting.abort(new Error('stop waiting'));
  await t.throwsAsync(never, { message: 'stop waiting' });

  const page = await fetcher.fetch({ url: app(3), readiness: { selector: '#ads-ready' } });
  t.true(parseDemoBoard(page).listings.length > 0);
  t.is(fetcher.stats.failures.timeout, 0, 'neither wait ran into its timeout');
});
