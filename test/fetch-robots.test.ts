import test from 'ava';
import { isFetchError } from '../crawler/fetch/fetch-error.ts';
import { HostLimiter } from '../crawler/fetch/host-limiter.ts';
import { HttpFetcher } from '../crawler/fetch/http-fetcher.ts';
import { RobotsPolicy } from '../crawler/fetch/robots-policy.ts';
import { DEFAULT_USER_AGENT, robotsToken } from '../crawler/fetch/user-agent.ts';
import { startLocalServer, warmUp, type LocalServer } from './helpers/local-server.ts';

/** A site whose robots.txt answers `status` with `robots`, and 200 "page <path>" elsewhere. */
async function site(status: number, robots: string): Promise<LocalServer> {
  return startLocalServer((req, res) => {
    if (req.url === '/robots.txt') {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(robots);
      return;
    }
    res.end(`page ${req.url}`);
  });
}

function fetcherFor(minGapMs = 0): HttpFetcher {
  return new HttpFetcher({ limiter: new HostLimiter({ defaults: { minGapMs } }), retry: { maxAttempts: 1 } });
}

const paths = (server: LocalServer) => server.requests.map((r) => r.path);

test('robots.txt 200: a disallowed path is refused before any request, others are fetched', async (t) => {
  const server = await site(200, 'User-agent: otcwatch\nDisallow: /market\n\nUser-agent: *\nDisallow: /\n');
  t.teardown(() => server.close());
  const fetcher = fetcherFor();

  const page = await fetcher.fetch({ url: `${server.url}/about` });
  t.is(page.body, 'page /about');
  const error = await t.throwsAsync(fetcher.fetch({ url: `${server.url}/market?page=2` }));
  t.true(isFetchError(error, 'robots_disallowed'));
  t.is(error?.message.startsWith(`robots.txt of ${server.host} disallows /market?page=2 for otcwatch`), true);
  t.regex(error?.message ?? '', /set respectRobots: false on the source only if you have permission/);
  t.deepEqual(paths(server), ['/robots.txt', '/about']);
  t.is(fetcher.stats.failures.robots_disallowed, 1);

  // A source with permission may opt out.
  const allowed = await fetcher.fetch({ url: `${server.url}/market` }, { respectRobots: false });
  t.is(allowed.body, 'page /market');
});

test('robots.txt 404: everything is allowed', async (t) => {
  const server = await site(404, 'not found');
  t.teardown(() => server.close());
  const page = await fetcherFor().fetch({ url: `${server.url}/market` });
  t.is(page.status, 200);
});

test('robots.txt 500: everything is disallowed (RFC 9309 unreachable)', async (t) => {
  const server = await site(500, 'oops');
  t.teardown(() => server.close());
  const error = await t.throwsAsync(fetcherFor().fetch({ url: `${server.url}/anything` }));
  t.true(isFetchError(error, 'robots_disallowed'));
  t.regex(error?.message ?? '', /could not be read \(HTTP 500\).*RFC 9309/);
  t.deepEqual(paths(server), ['/robots.txt']);
});

test('robots.txt is fetched once per origin for many concurrent URLs', async (t) => {
  const server = await site(200, 'User-agent: *\nDisallow: /private\n');
  t.teardown(() => server.close());
  const fetcher = fetcherFor();
  const results = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) => fetcher.fetch({ url: `${server.url}/${i % 4 === 0 ? 'private' : 'p'}/${i}` })),
  );
  t.is(results.filter((r) => r.status === 'fulfilled').length, 6);
  t.is(paths(server).filter((p) => p === '/robots.txt').length, 1);
});

test.serial('robots.txt goes through the limiter, and Crawl-delay raises the host min gap', async (t) => {
  const server = await site(200, 'User-agent: *\nCrawl-delay: 0.15\n');
  t.teardown(() => server.close());
  await warmUp(server);
  const limiter = new HostLimiter({ defaults: { minGapMs: 50 } });
  const fetcher = new HttpFetcher({ limiter, retry: { maxAttempts: 1 } });

  await fetcher.fetch({ url: `${server.url}/a` });
  await fetcher.fetch({ url: `${server.url}/b` });

  t.is(limiter.politeness(server.host).minGapMs, 150);
  const [robots, a, b] = server.requests.map((r) => r.at);
  t.true((a ?? 0) - (robots ?? 0) >= 50 - 5, 'robots.txt counted against the gap');
  t.true((b ?? 0) - (a ?? 0) >= 150 - 5, 'crawl-delay applied');
});

test('RobotsPolicy: rules match our product token; network error disallows; unreachable is re-checked later', async (t) => {
  let now = 0;
  let calls = 0;
  let failing = true;
  const robots = new RobotsPolicy({
    userAgent: DEFAULT_USER_AGENT,
    now: () => now,
    unreachableMaxAgeMs: 1000,
    fetchText: async (url) => {
      calls++;
      if (url.startsWith('http://down.test') && failing) throw new Error('connect ECONNREFUSED');
      return { status: 200, body: 'User-agent: OtcWatch\nDisallow: /x\nCrawl-delay: 2\n\nUser-agent: *\nDisallow:\n' };
    },
  });
  t.is(robots.token, 'otcwatch');
  t.false(await robots.isAllowed('http://a.test/x/1'));
  t.true(await robots.isAllowed('http://a.test/y'));
  t.is(await robots.crawlDelayMs('http://a.test/'), 2000);

  const down = await robots.check('http://down.test/');
  t.like(down, { allowed: false, reason: 'unreachable' });
  t.regex(down.detail, /ECONNREFUSED/);
  failing = false;
  t.false(await robots.isAllowed('http://down.test/'), 'cached within unreachableMaxAgeMs');
  now = 1001;
  t.true(await robots.isAllowed('http://down.test/'), 're-fetched after unreachableMaxAgeMs');
  t.is(calls, 3);
});

test('robotsToken: product token, lower-cased', (t) => {
  t.is(robotsToken(DEFAULT_USER_AGENT), 'otcwatch');
  t.is(robotsToken('MyBot'), 'mybot');
  t.is(robotsToken(''), '*');
});

test.serial('a Crawl-delay of Infinity refuses the host with a plain reason, never an endless gap', async (t) => {
  const server = await site(200, 'User-agent: *\nCrawl-delay: Infinity\n');
  t.teardown(() => server.close());
  const fetcher = new HttpFetcher({ limiter: new HostLimiter(), timeoutMs: 5_000 });
  const error = await t.throwsAsync(fetcher.fetch({ url: `${server.url}/market` }));
  t.true(isFetchError(error) && error.kind === 'robots_disallowed', String(error));
  t.regex(error!.message, /longer than otcwatch's longest gap/);
  t.deepEqual(server.requests.map((r) => r.path), ['/robots.txt']);
  // The decision itself holds a number every consumer can add and compare: finite, and past the gate's maximum.
  const decision = await fetcher.robots!.check(`${server.url}/market`);
  t.true(Number.isFinite(decision.crawlDelayMs), String(decision.crawlDelayMs));
});
