import test from 'ava';
import { readFile } from 'node:fs/promises';
import { OTCWATCH_VERSION } from '../crawler/version.ts';
import { cliRig } from './helpers/cli.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

test(title('demo crawls the demo marketplace over ticks into the store, and runs/sql read it back'), async (t) => {
  const { cli } = await cliRig(t);
  const demo = await cli('demo', '--ticks', '2');
  t.is(demo.code, 0, demo.stderr);
  t.regex(demo.stdout, /tick 0[\s\S]*demo-api: complete[\s\S]*demo-html: complete[\s\S]*tick 1/);
  t.regex(demo.stdout, /domestic payment methods: .*alipay \d+/);

  const runs = await cli('runs', '--json');
  t.is(runs.code, 0, runs.stderr);
  const parsed = JSON.parse(runs.stdout) as { status: string }[];
  t.true(parsed.length >= 4);
  t.true(parsed.every((r) => r.status === 'complete'));

  const count = await cli('sql', 'select count(distinct listing_id)::int as n from listing_observations', '--json');
  t.is(count.code, 0, count.stderr);
  t.true((JSON.parse(count.stdout) as { n: number }[])[0]!.n > 40);
});

test(title('errors exit non-zero with one line saying why'), async (t) => {
  const { cli } = await cliRig(t);
  const unmigrated = await cli('runs');
  t.is(unmigrated.code, 1);
  t.regex(unmigrated.stderr, /^otcwatch: the store \(.*\) has no schema yet; run: otcwatch migrate/);

  t.is((await cli('migrate')).code, 0);
  const write = await cli('sql', 'delete from payment_methods');
  t.is(write.code, 1);
  t.regex(write.stderr, /^otcwatch: .*read-only/);
  t.is(write.stderr.trim().split('\n').length, 1);

  const unknown = await cli('crawl', 'no-such-source');
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /^otcwatch: unknown source "no-such-source"; list them with: otcwatch sources/);

  const badOption = await cli('runs', '--limit', 'many');
  t.is(badOption.code, 1);
  t.regex(badOption.stderr, /--limit must be a whole number/);
});

test(title('migrate status, down and up'), async (t) => {
  const { cli } = await cliRig(t);
  t.is((await cli('migrate')).code, 0);
  const status = await cli('migrate', 'status');
  t.regex(status.stdout, /0001-foundation/);
  t.notRegex(status.stdout, /pending/);
  const down = await cli('migrate', 'down', '--all');
  t.regex(down.stdout, /undone: .*0001-foundation/);
  t.regex((await cli('migrate', 'status')).stdout, /pending/);
  t.is((await cli('migrate', 'up')).code, 0);
});

test(title('--help is there for every command'), async (t) => {
  const { cli } = await cliRig(t);
  const help = await cli('--help');
  for (const command of ['demo', 'migrate', 'sources', 'crawl', 'runs', 'sql']) {
    t.regex(help.stdout, new RegExp(`\\n  ${command}\\b`));
    const own = await cli(command, '--help');
    t.is(own.code, 0);
    t.regex(own.stdout, /Usage: otcwatch/);
  }
});

test(title('--version prints the version package.json has, the one each WARC file\'s warcinfo names'), async (t) => {
  const { cli } = await cliRig(t);
  const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  t.is(OTCWATCH_VERSION, version);
  t.is((await cli('--version')).stdout.trim(), version);
});
