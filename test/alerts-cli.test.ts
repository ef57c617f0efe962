import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { demoState } from '../scripts/demo/marketplace-state.ts';
import type { AlertRecord } from '../store/alerts.ts';
import type { RunDiff } from '../store/diff/run-diff.ts';
import { cliRig } from './helpers/cli.ts';
import { demoChanges } from './helpers/demo-changes.ts';
import { storeEngine } from './helpers/test-store.ts';
import { startWebhookReceiver } from './helpers/webhook-receiver.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ids = (alerts: { id: number }[]) => alerts.map((a) => a.id).sort((a, b) => a - b);

test(title('crawl diffs and alerts through the configured sinks; alerts lists, acks and delivers; diff prints the change'), async (t) => {
  const { cli, env, dataDir } = await cliRig(t);
  const market = await startDemoMarketplace({ seed: 42, tick: 1 });
  t.teardown(() => market.close());
  const reserved = await startWebhookReceiver(SECRET);
  await reserved.close();
  const file = path.join(dataDir, 'alerts.jsonl');
  Object.assign(env, { OTCWATCH_ALERTS_FILE: file, OTCWATCH_WEBHOOK_URL: reserved.url, OTCWATCH_WEBHOOK_SECRET: SECRET });

  const first = await cli('crawl', 'demo-api', '--base-url', market.url, '--min-gap-ms', '0');
  t.is(first.code, 0, first.stderr);
  market.advance();
  const second = await cli('crawl', 'demo-api', '--min-gap-ms', '0');
  t.is(second.code, 0, second.stderr);
  t.regex(second.stdout, /demo-api run #\d+ → #\d+: operators \+\d+ −\d+, listings \+\d+ −\d+/);
  t.regex(second.stdout, /ALERT #\d+ operator_vanished: .+ vanished/);
  t.regex(second.stdout, /not delivered to webhook .*ECONNREFUSED/, 'a webhook that is down does not fail the crawl');

  const listed = JSON.parse((await cli('alerts', '--json')).stdout) as AlertRecord[];
  t.true(listed.some((a) => a.kind === 'operator_vanished'));
  const written = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as AlertRecord);
  t.deepEqual(ids(written), ids(listed));

  const receiver = await startWebhookReceiver(SECRET, reserved.port);
  t.teardown(() => receiver.close());
  const deliver = await cli('alerts', 'deliver');
  t.is(deliver.code, 0, deliver.stderr);
  t.regex(deliver.stdout, /^delivered \d+ \(sinks: console, file, webhook\)/);
  t.deepEqual(ids(receiver.accepted), ids(listed));

  const text = await cli('diff', 'demo-api');
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, /^demo-api: run #\d+ \(complete, .*\) → run #\d+ \(complete, .*\)\nPayment methods added/);
  t.regex(text.stdout, /\nOperators vanished \(\d+\)\n {2}\S.* \[id:s\d+\], \d+ listings?\n/);
  const json = JSON.parse((await cli('diff', 'demo-api', '--json', '--price-threshold', '0')).stdout) as RunDiff;
  const changes = demoChanges(demoState(42, 1), demoState(42, 2));
  t.deepEqual(json.operators.vanished.map((o) => o.operatorKey).sort(), changes.operatorsVanished);
  t.is(json.priceMoves.length, changes.prices.filter((p) => p.old !== p.new).length);

  const acked = listed.find((a) => a.kind === 'operator_vanished')!;
  const ack = await cli('alerts', 'ack', String(acked.id));
  t.is(ack.code, 0, ack.stderr);
  const open = JSON.parse((await cli('alerts', '--kind', 'operator_vanished', '--json')).stdout) as AlertRecord[];
  t.deepEqual(
    open.map((a) => a.payload.operatorKey).sort(),
    changes.operatorsVanished.filter((key) => key !== acked.payload.operatorKey),
    'acknowledged alerts are not listed',
  );
  const all = JSON.parse((await cli('alerts', '--all', '--json', '--since', '1h')).stdout) as AlertRecord[];
  t.truthy(all.find((a) => a.id === acked.id)?.ackedAt);
  t.is(all.length, listed.length);
});

test(title('diff and alerts explain what is wrong'), async (t) => {
  const { cli } = await cliRig(t);
  t.is((await cli('migrate')).code, 0);
  const none = await cli('diff', 'demo-api');
  t.is(none.code, 0);
  t.regex(none.stdout, /demo-api has no two runs to compare yet/);
  for (const [args, message] of [
    [['diff', 'nope'], /unknown source "nope"/],
    [['diff', 'demo-api', '--volume-threshold', 'lots'], /--volume-threshold must be a fraction ≥ 0/],
    [['alerts', '--kind', 'scary'], /--kind must be one of new_domestic_payment_method, /],
    [['alerts', '--since', 'last week'], /--since must be an ISO time/],
    [['alerts', 'ack', '99'], /no alert #99/],
  ] as const) {
    const result = await cli(...args);
    t.is(result.code, 1, args.join(' '));
    t.regex(result.stderr, message);
  }
  for (const command of [['diff'], ['alerts']]) {
    t.regex((await cli(...command, '--help')).stdout, /Usage: otcwatch/);
  }
});
