import test from 'ava';
import { FetchError, isFetchError } from '../crawler/fetch/fetch-error.ts';
import { HostLimiter } from '../crawler/fetch/host-limiter.ts';
import { HttpFetcher } from '../crawler/fetch/http-fetcher.ts';
import { isRetryable, parseRetryAfter, retryDelayMs } from '../crawler/fetch/retry-policy.ts';
import { startLocalServer, warmUp } from './helpers/local-server.ts';

const TOLERANCE_MS = 5;

function fetcher(retry: ConstructorParameters<typeof HttpFetcher>[0]['retry'] = {}): HttpFetcher {
  return new HttpFetcher({
    limiter: new HostLimiter({ defaults: { minGapMs: 0, concurrency: 4 } }),
    robots: null,
    retry: { baseDelayMs: 20, ...retry },
    random: () => 0, // equal jitter with random 0 = exactly half the ceiling
  });
}

// --- retry-policy.ts -------------------------------------------------------

test('retryDelayMs: exponential, capped, with equal/full/no jitter', (t) => {
  const base = { baseDelayMs: 100, maxDelayMs: 1000 };
  t.deepEqual([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, { ...base, jitter: 'none' })), [100, 200, 400, 800, 1000, 1000]);
  t.is(retryDelayMs(3, { ...base, jitter: 'equal', random: () => 0 }), 200);
  t.is(retryDelayMs(3, { ...base, jitter: 'equal', random: () => 0.999 }), 399);
  t.is(retryDelayMs(3, { ...base, jitter: 'full', random: () => 0 }), 0);
  t.is(retryDelayMs(3, { ...base, jitter: 'full', random: () => 0.5 }), 200);
  t.is(retryDelayMs(1, base) >= 50, true, 'equal jitter is the default');
});

test('parseRetryAfter: delta-seconds, HTTP-date, past, garbage, cap', (t) => {
  const now = new Date('2024-05-01T12:00:00Z');
  t.is(parseRetryAfter('1', now), 1000);
  t.is(parseRetryAfter(' 120 ', now), 120_000);
  t.is(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', now), 30_000);
  t.is(parseRetryAfter('Wednesday, 01-May-24 12:01:00 GMT', now), 60_000);
  t.is(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now), 0);
  t.is(parseRetryAfter(null, now), null);
  for (const garbage of ['', 'soon', '-5', '1.5', '2024-05-01', 'Wed, garbage']) {
    t.is(parseRetryAfter(garbage, now), null, garbage);
  }
  t.is(parseRetryAfter('600', now, 120_000), 120_000);
});

test('isRetryable: throttling, server errors and transport failures only', (t) => {
  const err = (kind: FetchError['kind'], status?: number) =>
    new FetchError({ kind, url: 'http://x.test/', message: 'm', ...(status === undefined ? {} : { status }) });
  for (const status of [429, 418, 500, 502, 503, 504]) t.true(isRetryable(err('http_status', status)), String(status));
  for (const status of [400, 401, 403, 404, 410, 451]) t.false(isRetryable(err('http_status', status)), String(status));
  t.true(isRetryable(err('timeout')));
  t.true(isRetryable(err('network')));
  t.true(isRetryable(err('truncated')));
  t.false(isRetryable(err('robots_disallowed')));
  t.false(isRetryable(err('too_large')));
  t.false(isRetryable(err('too_many_redirects')));
  t.true(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
  t.true(isRetryable(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) })));
  t.false(isRetryable(new Error('something else')));
});

// --- the fetcher's retry loop against a real server -------------------------

test('429 with Retry-After: 1 is waited out, then succeeds', async (t) => {
  let calls = 0;
  const server = await startLocalServer((_req, res) => {
    if (++calls === 1) {
      res.writeHead(429, { 'retry-after': '1' });
      res.end('slow down');
      return;
    }
    res.end('ok');
  });
  t.teardown(() => server.close());
  const f = fetcher();
  const page = await f.fetch({ url: `${server.url}/ads` });
  t.is(page.body, 'ok');
  const [first, second] = server.requests.map((r) => r.at);
  t.true((second ?? 0) - (first ?? 0) >= 1000 - TOLERANCE_MS, `waited ${(second ?? 0) - (first ?? 0)} ms`);
  t.like(f.stats.snapshot(), { requests: 2, pages: 1, retries: 1, statuses: { '200': 1, '429': 1 } });
});

test('503 is retried with backoff, then gives up with http_status after maxAttempts', async (t) => {
  const server = await startLocalServer((_req, res) => {
    res.writeHead(503);
    res.end('down');
  });
  t.teardown(() => server.close());
  await warmUp(server);
  const f = fetcher({ maxAttempts: 3, baseDelayMs: 60 });
  const error = await t.throwsAsync(f.fetch({ url: `${server.url}/ads` }));
  t.true(isFetchError(error, 'http_status'));
  t.like(error, { status: 503, attempts: 3, url: `${server.url}/ads` });
  t.regex(error?.message ?? '', /HTTP 503.*gave up after 3 attempts/);
  const at = server.requests.map((r) => r.at);
  t.is(at.length, 3);
  // Equal jitter with random() = 0: half of 60, then half of 120.
  t.true((at[1] ?? 0) - (at[0] ?? 0) >= 30 - TOLERANCE_MS);
  t.true((at[2] ?? 0) - (at[1] ?? 0) >= 60 - TOLERANCE_MS);
  t.like(f.stats.snapshot(), { retries: 2, pages: 0, failures: { http_status: 1 } });
});

test('404 is not retried', async (t) => {
  const server = await startLocalServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  t.teardown(() => server.close());
  const error = await t.throwsAsync(fetcher().fetch({ url: `${server.url}/gone` }));
  t.like(error, { kind: 'http_status', status: 404, attempts: 1 });
  t.is(server.requests.length, 1);
});

test('a Retry-After longer than maxRetryAfterMs gives up at once, saying so', async (t) => {
  const server = await startLocalServer((_req, res) => {
    res.writeHead(503, { 'retry-after': '3600' });
    res.end();
  });
  t.teardown(() => server.close());
  const error = await t.throwsAsync(fetcher({ maxRetryAfterMs: 5000 }).fetch({ url: `${server.url}/x` }));
  t.like(error, { kind: 'http_status', status: 503, retryAfterMs: 3_600_000, attempts: 1 });
  t.regex(error?.message ?? '', /retry after 3600000 ms, longer than maxRetryAfterMs 5000 ms/);
  t.is(server.requests.length, 1);
});

test('the backoff wait does not hold the host slot: other pages on the host proceed', async (t) => {
  let flaky = 0;
  const server = await startLocalServer((req, res) => {
    if (req.url === '/flaky' && ++flaky === 1) {
      res.writeHead(502);
      res.end();
      return;
    }
    res.end(req.url);
  });
  t.teardown(() => server.close());
  const f = new HttpFetcher({
    limiter: new HostLimiter({ defaults: { minGapMs: 0, concurrency: 1 } }),
    robots: null,
    retry: { baseDelayMs: 400 },
    random: () => 0,
  });
  const flakyPage = f.fetch({ url: `${server.url}/flaky` });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await f.fetch({ url: `${server.url}/other` });
  await flakyPage;
  t.deepEqual(
    server.requests.map((r) => r.path),
    ['/flaky', '/other', '/flaky'],
  );
});

test('a truncated body is retried', async (t) => {
  let calls = 0;
  const server = await startLocalServer((_req, res) => {
    if (++calls === 1) {
      res.writeHead(200, { 'content-length': '100' });
      res.write('x'.repeat(40));
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
    res.end('whole');
  });
  t.teardown(() => server.close());
  const f = fetcher();
  const page = await f.fetch({ url: `${server.url}/t` });
  t.is(page.body, 'whole');
  t.is(f.stats.retries, 1);
});
