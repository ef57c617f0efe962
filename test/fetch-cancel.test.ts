import test from 'ava';
import { HostLimiter } from '../crawler/fetch/host-limiter.ts';
import { HttpFetcher } from '../crawler/fetch/http-fetcher.ts';
import type { ExchangeEvent, OutcomeEvent } from '../crawler/fetch/fetch-observer.ts';
import { startLocalServer, type LocalServer } from './helpers/local-server.ts';
import { virtualClock } from './helpers/virtual-clock.ts';

// Every wait below is a minute long: a cancellation that did not reach it
// would hold the test past ava's timeout, so "it ended" is the assertion.

function limiter(): HostLimiter {
  return new HostLimiter({ defaults: { minGapMs: 0, concurrency: 4 } });
}

async function once(server: LocalServer, count: number): Promise<void> {
  while (server.requests.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
}

test('a Retry-After: 60 wait ends at once on abort, with the caller’s reason, not a FetchError', async (t) => {
  const server = await startLocalServer((_req, res) => {
    res.writeHead(429, { 'retry-after': '60' });
    res.end('slow down');
  });
  t.teardown(() => server.close());
  const fetcher = new HttpFetcher({ limiter: limiter(), robots: null });
  const controller = new AbortController();
  const fetching = fetcher.fetch({ url: `${server.url}/ads` }, { signal: controller.signal });
  while (fetcher.stats.retries === 0) await new Promise((resolve) => setTimeout(resolve, 10)); // the 429 is in: the 60 s wait has begun
  controller.abort(new Error('SIGTERM'));
  await t.throwsAsync(fetching, { message: 'SIGTERM' });
  t.is(server.requests.length, 1);
  t.like(fetcher.stats.snapshot(), { retries: 1, pages: 0, failures: { http_status: 0 } });
});

test('a request in flight and a robots.txt fetch end on abort; the aborted robots.txt is not cached as unreachable', async (t) => {
  let hang = true;
  const server = await startLocalServer((req, res) => {
    if (hang) return; // never answers while hanging
    res.end(req.url === '/robots.txt' ? 'User-agent: *\nDisallow: /private\n' : 'ok');
  });
  t.teardown(() => server.close());
  const fetcher = new HttpFetcher({ limiter: limiter(), timeoutMs: 60_000 });

  const inRobots = new AbortController();
  const viaRobots = fetcher.fetch({ url: `${server.url}/ads` }, { signal: inRobots.signal });
  await once(server, 1);
  t.is(server.requests[0]?.path, '/robots.txt');
  inRobots.abort(new Error('cancelled in robots.txt'));
  await t.throwsAsync(viaRobots, { message: 'cancelled in robots.txt' });

  hang = false;
  const page = await fetcher.fetch({ url: `${server.url}/ads` });
  t.is(page.body, 'ok', 'robots.txt was read again, not remembered as unreachable');
  t.deepEqual(server.requests.map((r) => r.path), ['/robots.txt', '/robots.txt', '/ads']);

  hang = true;
  const inFlight = new AbortController();
  const hanging = fetcher.fetch({ url: `${server.url}/slow` }, { signal: inFlight.signal });
  await once(server, 4);
  inFlight.abort(new Error('cancelled in flight'));
  await t.throwsAsync(hanging, { message: 'cancelled in flight' });
});

test('one retry loop: backoff and Retry-After on an injected clock, every exchange and outcome observed', async (t) => {
  let calls = 0;
  const server = await startLocalServer((_req, res) => {
    calls += 1;
    if (calls === 1) res.writeHead(503).end('down');
    else if (calls === 2) res.writeHead(429, { 'retry-after': '7' }).end('later');
    else res.end('ok');
  });
  t.teardown(() => server.close());
  const clock = virtualClock();
  const exchanges: ExchangeEvent[] = [];
  const outcomes: OutcomeEvent[] = [];
  const fetcher = new HttpFetcher({
    limiter: limiter(),
    robots: null,
    clock,
    random: () => 0,
    retry: { baseDelayMs: 1000 },
    observer: { exchange: (e) => exchanges.push(e), outcome: (e) => outcomes.push(e) },
  });
  const page = await fetcher.fetch({ url: `${server.url}/ads` });
  t.is(page.body, 'ok');
  // Equal jitter at random 0 is half the ceiling: 500 ms after the 503; the 429 asked for 7 s, more than the 1000 ms backoff.
  t.deepEqual(clock.slept, [500, 7000]);
  t.deepEqual(exchanges.map((e) => [e.status, e.error]), [[503, 'http_status'], [429, 'http_status'], [200, null]]);
  t.true(exchanges.every((e) => e.fetcher === 'http' && e.host === server.host && e.durationMs >= 0));
  t.deepEqual(outcomes, [{ fetcher: 'http', host: server.host, url: `${server.url}/ads`, ok: true, error: null }]);
});
