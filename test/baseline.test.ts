import test from 'ava';
import { manySellers, startAdsServer } from './helpers/ads-server.ts';
import { cliRig } from './helpers/cli.ts';
import { storeEngine } from './helpers/test-store.ts';
import { startWebhookReceiver } from './helpers/webhook-receiver.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

test(`a first crawl of 5,000 operators prints a handful of lines, stores 4,500 baseline alerts and sends the webhook one digest (${storeEngine})`, async (t) => {
  t.timeout(600_000);
  const sellers = manySellers(5000);
  const market = await startAdsServer(t, () => sellers);
  const receiver = await startWebhookReceiver(SECRET);
  t.teardown(() => receiver.close());
  const { cli, env } = await cliRig(t, { timeoutMs: 480_000 });
  env.OTCWATCH_WEBHOOK_URL = receiver.url;
  env.OTCWATCH_WEBHOOK_SECRET = SECRET;

  const first = await cli('crawl', 'demo-api', '--base-url', market.url, '--min-gap-ms', '0', '--concurrency', '4');
  t.is(first.signal, null, 'not killed for taking too long');
  t.is(first.code, 0, first.stderr);
  const lines = first.stdout.trim().split('\n');
  t.log(lines.join('\n'));
  t.true(lines.length <= 5, `${lines.length} lines on stdout`);
  t.regex(first.stdout, /run #1 demo-api: complete — 100 pages ok, 0 failed, 5000 listings/);
  t.regex(first.stdout, /ALERT #\d+ baseline_digest: baseline: 5,000 operators, 4,500 domestic-facing — otcwatch operators --domestic --source demo-api/);
  t.false(first.stdout.includes('new_domestic_facing_operator'), 'no per-operator line');

  t.is(receiver.accepted.length, 1, 'the webhook received one alert');
  t.is(receiver.accepted[0]?.kind, 'baseline_digest');
  const stored = await cli('sql', '--json', "select kind, baseline, count(*)::int as n from alerts group by 1, 2 order by 1");
  t.deepEqual(JSON.parse(stored.stdout), [
    { kind: 'baseline_digest', baseline: false, n: 1 },
    { kind: 'new_domestic_facing_operator', baseline: true, n: 4500 },
  ]);
  const listed = await cli('alerts', '--json');
  t.deepEqual(JSON.parse(listed.stdout).map((a: { kind: string }) => a.kind), ['baseline_digest'], '`alerts` hides the baseline unless asked');
  const withBaseline = await cli('alerts', '--baseline', '--limit', '3', '--json');
  t.deepEqual(JSON.parse(withBaseline.stdout).map((a: { kind: string; baseline: boolean }) => [a.kind, a.baseline]), [
    ['baseline_digest', false],
    ['new_domestic_facing_operator', true],
    ['new_domestic_facing_operator', true],
  ]);

});
