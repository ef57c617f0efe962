import test from 'ava';
import fc from 'fast-check';
import { parseRetryAfter } from '../crawler/fetch/retry-policy.ts';
import { RobotsPolicy } from '../crawler/fetch/robots-policy.ts';
import { anyText, fuzz } from './helpers/fuzz.ts';

const NOW = new Date('2026-12-01T12:00:00Z');

test('fuzz Retry-After: any header is a wait in whole non-negative ms or null; delta-seconds and HTTP-dates read as the oracle says', async (t) => {
  await fuzz(t, 'parseRetryAfter(any text)', fc.property(fc.oneof(anyText, fc.constant(null)), (value) => {
    const ms = parseRetryAfter(value, NOW);
    return ms === null || (Number.isFinite(ms) && ms >= 0);
  }));
  await fuzz(t, 'parseRetryAfter(delta-seconds, HTTP-date)', fc.property(fc.nat({ max: 10 ** 7 }), fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom('', ' '), (seconds, offset, pad) => {
    const at = new Date(NOW.getTime() + offset * 1000);
    return parseRetryAfter(`${pad}${seconds}${pad}`, NOW) === seconds * 1000
      && parseRetryAfter(at.toUTCString(), NOW) === Math.max(0, offset * 1000);
  }));
});

const robotsLine = fc.oneof(
  fc.constantFrom('User-agent: *', 'User-agent: otcwatch', 'User-agent: other', 'Allow: /', 'Disallow: /', 'Disallow:', 'Crawl-delay: 2', 'Crawl-delay: x', 'Sitemap: http://x/s.xml', '#', ''),
  fc.tuple(fc.constantFrom('Allow: ', 'Disallow: ', 'Crawl-delay: ', 'User-agent: '), anyText).map(([k, v]) => k + v),
  anyText,
);

test('fuzz robots.txt: any file and any path give a decision, never an exception; a disallowed prefix is disallowed', async (t) => {
  const policy = (status: number, body: string) => new RobotsPolicy({ userAgent: 'otcwatch/0.1 (+fuzz)', fetchText: async () => ({ status, body }) });
  const statuses = fc.oneof(fc.constantFrom(200, 404, 500, 503), fc.integer({ min: 100, max: 599 }));
  await fuzz(t, 'RobotsPolicy.check(any robots.txt, any path)', fc.asyncProperty(statuses, fc.array(robotsLine, { maxLength: 12 }), anyText, async (status, lines, pathText) => {
    const decision = await policy(status, lines.join('\n')).check(`http://127.0.0.1:8787/${encodeURI(pathText.replace(/[\ud800-\udfff]/g, ''))}`);
    return typeof decision.allowed === 'boolean' && ['rules', 'unavailable', 'unreachable'].includes(decision.reason)
      && (decision.crawlDelayMs === null || (Number.isFinite(decision.crawlDelayMs) && decision.crawlDelayMs >= 0));
  }));
  const segment = fc.stringMatching(/^[a-z0-9]{1,8}$/);
  await fuzz(t, 'RobotsPolicy.check(Disallow: /prefix)', fc.asyncProperty(segment, fc.stringMatching(/^[a-z0-9/]{0,8}$/), async (prefix, rest) => {
    const robots = policy(200, `User-agent: *\nDisallow: /${prefix}\n`);
    return !(await robots.isAllowed(`http://127.0.0.1:8787/${prefix}${rest}`)) && (await robots.isAllowed('http://127.0.0.1:8787/'));
  }));
});
