import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CRAWL_LIMITS, limitProblem } from '../crawler/crawl-limits.ts';
import { HostLimiter } from '../crawler/fetch/host-limiter.ts';
import { cliRig } from './helpers/cli.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

test('limits: the edges of each range are accepted, one past them refused, with the range in one line', (t) => {
  t.is(limitProblem('minGapMs', 86_400_000), null);
  t.is(limitProblem('minGapMs', 86_400_001, '--min-gap-ms'), '--min-gap-ms must be a whole number from 0 to 86400000 (1 day), got 86400001');
  t.is(limitProblem('concurrency', 64), null);
  t.is(limitProblem('concurrency', 65, '--concurrency'), '--concurrency must be a whole number from 1 to 64, got 65');
  t.not(limitProblem('concurrency', 0), null);
  t.not(limitProblem('maxPages', 1.5), null);
  t.is(limitProblem('maxPages', 'many', '--max-pages'), '--max-pages must be a whole number from 1 to 100000, got "many"');
  t.is(CRAWL_LIMITS.requestsPerInterval.min, 0, '0 keeps meaning "no window cap"');
  t.throws(() => new HostLimiter().configure('x.test', { minGapMs: 99_999_999_999_999 }, 'typo'), {
    instanceOf: RangeError,
    message: 'HostLimiter politeness for x.test: minGapMs must be a whole number from 0 to 86400000 (1 day), got 99999999999999',
  });
});

test(title('every way of setting a limit refuses an insane value with one line, and a failed crawl exits non-zero'), async (t) => {
  const { cli, dataDir } = await cliRig(t);
  const refused = async (args: string[], message: RegExp) => {
    const result = await cli(...args);
    t.is(result.code, 1, `${args.join(' ')}: ${result.stdout}`);
    t.regex(result.stderr, message);
    t.is(result.stderr.trim().split('\n').length, 1, result.stderr);
  };
  await refused(['crawl', 'demo-api', '--min-gap-ms', '99999999999999'], /^otcwatch: --min-gap-ms must be a whole number from 0 to 86400000 \(1 day\), got 99999999999999$/m);
  await refused(['crawl', 'demo-api', '--concurrency', '1000000'], /^otcwatch: --concurrency must be a whole number from 1 to 64, got 1000000$/m);
  await refused(['sources', 'set', 'demo-api', '--interval-ms', '0'], /--interval-ms must be a whole number from 1 to 86400000/);
  await refused(['schedule', 'add', 'demo-api', '--every', '1h', '--max-pages', '100001'], /--max-pages must be a whole number from 1 to 100000, got 100001/);

  const file = path.join(dataDir, 'eager-board.yaml');
  const spec = await readFile(path.resolve(import.meta.dirname, 'fixtures/declarative/desk-api.yaml'), 'utf8');
  await writeFile(file, spec.replace('name: desk-api', 'name: eager-board\npoliteness: { concurrency: 500 }'));
  const validate = await cli('sources', 'validate', file);
  t.is(validate.code, 1);
  t.regex(validate.stdout + validate.stderr, /politeness\.concurrency: expected a whole number from 1 to 64/);

  // A row written by hand is held to the same limits when it is crawled.
  const write = await cli('sql', '--write', `update sources set politeness = '{"minGapMs": -5}' where id = 'demo-api'`);
  t.is(write.code, 0, write.stderr);
  await refused(['crawl', 'demo-api'], /source demo-api: politeness\.minGapMs must be a whole number from 0 to 86400000 \(1 day\), got -5; fix it with: otcwatch sources set demo-api/);

  // Nothing listens on port 1: robots.txt is unreachable, every page fails, the run fails, and so does the command.
  const failed = await cli('crawl', 'demo-html', '--base-url', 'http://127.0.0.1:1', '--json');
  t.is(failed.code, 1, failed.stderr);
  t.like(JSON.parse(failed.stdout), { sourceId: 'demo-html', status: 'failed' });
});
