import test from 'ava';
import { createHash } from 'node:crypto';
import { isFetchError } from '../crawler/fetch/fetch-error.ts';
import { HostLimiter } from '../crawler/fetch/host-limiter.ts';
import { HttpFetcher, type HttpFetcherProps } from '../crawler/fetch/http-fetcher.ts';
import { DEFAULT_USER_AGENT } from '../crawler/fetch/user-agent.ts';
import { startLocalServer, type LocalHandler, type LocalServer } from './helpers/local-server.ts';

async function serve(t: { teardown: (fn: () => Promise<void>) => void }, handler: LocalHandler): Promise<LocalServer> {
  const server = await startLocalServer(handler);
  t.teardown(() => server.close());
  return server;
}

function fetcher(props: Partial<HttpFetcherProps> = {}): HttpFetcher {
  return new HttpFetcher({
    limiter: new HostLimiter({ defaults: { minGapMs: 0 } }),
    robots: null,
    retry: { maxAttempts: 1 },
    ...props,
  });
}

test('returns the page: final URL, lower-cased headers, sha256 of raw bytes, fetchedAt; sends the honest User-Agent', async (t) => {
  const body = '{"ads":[{"price":"7.25"}]}';
  const server = await serve(t, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Trace-Id': 'abc' });
    res.end(body);
  });
  const f = fetcher();
  const before = Date.now();
  const page = await f.fetch({ url: `${server.url}/api/ads`, headers: { 'User-Agent': 'Mozilla/5.0 spoof', Accept: 'application/json' } });

  t.is(page.url, `${server.url}/api/ads`);
  t.is(page.status, 200);
  t.is(page.body, body);
  t.is(page.headers['content-type'], 'application/json');
  t.is(page.headers['x-trace-id'], 'abc');
  t.is(page.sha256, createHash('sha256').update(body).digest('hex'));
  t.true(page.fetchedAt.getTime() >= before - 1);
  const seen = server.requests[0]?.headers;
  t.is(seen?.['user-agent'], DEFAULT_USER_AGENT);
  t.is(seen?.accept, 'application/json');
  t.like(f.stats.snapshot(), { requests: 1, pages: 1, bytes: body.length });
});

test('a configured User-Agent is sent as is', async (t) => {
  const server = await serve(t, (_req, res) => res.end('ok'));
  await fetcher({ userAgent: 'otcwatch-test/9' }).fetch({ url: server.url });
  t.is(server.requests[0]?.headers['user-agent'], 'otcwatch-test/9');
});

test('decodes the Content-Type charset (gbk), else UTF-8', async (t) => {
  const server = await serve(t, (req, res) => {
    if (req.url === '/gbk') {
      res.writeHead(200, { 'content-type': 'text/html; charset=GBK' });
      res.end(Buffer.from([0xd6, 0xd0, 0xce, 0xc4])); // 中文
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=x-unknown' });
    res.end('支付宝');
  });
  const f = fetcher();
  t.is((await f.fetch({ url: `${server.url}/gbk` })).body, '中文');
  t.is((await f.fetch({ url: `${server.url}/utf8` })).body, '支付宝');
});

test('redirects: relative Location followed, final URL reported, 303 after POST becomes GET', async (t) => {
  const server = await serve(t, (req, res) => {
    const to = { '/a': '/b', '/b': 'c?x=1', '/search': '/results' }[req.url ?? ''];
    if (to !== undefined) {
      res.writeHead(req.url === '/search' ? 303 : 302, { location: to });
      res.end();
      return;
    }
    res.end(`${req.method} ${req.url}`);
  });
  const f = fetcher();
  const page = await f.fetch({ url: `${server.url}/a` });
  t.is(page.url, `${server.url}/c?x=1`);
  t.is(page.body, 'GET /c?x=1');
  t.is(f.stats.redirects, 2);

  const posted = await f.fetch({ url: `${server.url}/search`, method: 'POST', body: 'q=usdt', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  t.is(posted.body, 'GET /results');
  t.is(server.requests.at(-1)?.headers['content-type'], undefined);
});

test('redirects: 307 repeats the POST with its body', async (t) => {
  const server = await serve(t, async (req, res) => {
    if (req.url === '/old') {
      res.writeHead(307, { location: '/new' });
      res.end();
      return;
    }
    let body = '';
    for await (const chunk of req) body += String(chunk);
    res.end(`${req.method} ${body}`);
  });
  const page = await fetcher().fetch({ url: `${server.url}/old`, method: 'POST', body: '{"page":1}' });
  t.is(page.body, 'POST {"page":1}');
});

test('redirects are capped at maxRedirects', async (t) => {
  const server = await serve(t, (req, res) => {
    const n = Number(req.url?.slice(1));
    res.writeHead(301, { location: `/${n + 1}` });
    res.end();
  });
  const error = await t.throwsAsync(fetcher({ maxRedirects: 2 }).fetch({ url: `${server.url}/0` }));
  t.true(isFetchError(error, 'too_many_redirects'));
  t.regex(error?.message ?? '', /more than maxRedirects 2 times \(last to .*\/3\)/);
  t.deepEqual(server.requests.map((r) => r.path), ['/0', '/1', '/2']);
});

test('a cross-origin redirect drops Authorization and Cookie', async (t) => {
  const target = await serve(t, (_req, res) => res.end('there'));
  const origin = await serve(t, (_req, res) => {
    res.writeHead(302, { location: `${target.url}/landing` });
    res.end();
  });
  await fetcher().fetch({ url: origin.url, headers: { authorization: 'Bearer secret', cookie: 's=1', 'x-keep': 'yes' } });
  t.is(origin.requests[0]?.headers.authorization, 'Bearer secret');
  const seen = target.requests[0]?.headers;
  t.is(seen?.authorization, undefined);
  t.is(seen?.cookie, undefined);
  t.is(seen?.['x-keep'], 'yes');
});

test('timeout covers a server that never answers, and one that stalls mid-body', async (t) => {
  const server = await serve(t, (req, res) => {
    if (req.url === '/stall') {
      res.writeHead(200, { 'content-length': '10' });
      res.write('12345');
    }
    // '/silent': never answer.
  });
  const f = fetcher({ timeoutMs: 100 });
  for (const path of ['/silent', '/stall']) {
    const began = Date.now();
    const error = await t.throwsAsync(f.fetch({ url: `${server.url}${path}` }));
    t.true(isFetchError(error, 'timeout'), path);
    t.regex(error?.message ?? '', /did not complete within timeoutMs 100 ms/);
    t.true(Date.now() - began < 1000);
  }
  t.is(f.stats.failures.timeout, 2);
});

test('size cap: by Content-Length up front, and while streaming a chunked body', async (t) => {
  const server = await serve(t, (req, res) => {
    if (req.url === '/declared') {
      res.writeHead(200, { 'content-length': '5000' });
      res.end('y'.repeat(5000));
      return;
    }
    res.writeHead(200); // chunked, no length
    res.write('z'.repeat(800));
    res.write('z'.repeat(800));
    res.end();
  });
  const f = fetcher({ maxBytes: 1000 });
  for (const path of ['/declared', '/chunked']) {
    const error = await t.throwsAsync(f.fetch({ url: `${server.url}${path}` }));
    t.true(isFetchError(error, 'too_large'), path);
    t.regex(error?.message ?? '', /more than maxBytes 1000/);
  }
  t.is(server.requests.length, 2, 'too_large is not retried');
});

test('a body cut short of Content-Length is truncated (and retryable)', async (t) => {
  const server = await serve(t, (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('x'.repeat(40));
    setTimeout(() => res.socket?.destroy(), 10);
  });
  const f = fetcher({ retry: { maxAttempts: 2, baseDelayMs: 10 } });
  const error = await t.throwsAsync(f.fetch({ url: server.url }));
  t.true(isFetchError(error, 'truncated'));
  t.like(error, { attempts: 2 });
  t.regex(error?.message ?? '', /body ended after 40 bytes of the 100 announced/);
  t.is(server.requests.length, 2);
});

test('an unreachable host is a network error naming the URL', async (t) => {
  const server = await startLocalServer((_req, res) => res.end());
  const url = `${server.url}/gone`;
  await server.close();
  const error = await t.throwsAsync(fetcher().fetch({ url }));
  t.true(isFetchError(error, 'network'));
  t.regex(error?.message ?? '', /ECONNREFUSED/);
  t.true(error?.message.includes(url));
});

test('a malformed or non-http URL is the adapter’s bug: TypeError at once, nothing retried', async (t) => {
  const f = fetcher({ retry: { maxAttempts: 4 } });
  await t.throwsAsync(f.fetch({ url: '/relative/path' }), { instanceOf: TypeError, message: /not an absolute http\(s\) URL/ });
  await t.throwsAsync(f.fetch({ url: 'ftp://example.test/x' }), { instanceOf: TypeError });
  t.is(f.stats.requests, 0);
  t.is(f.stats.retries, 0);
});
