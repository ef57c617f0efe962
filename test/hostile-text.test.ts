import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { HOSTILE, hostileAds, startAdsServer } from './helpers/ads-server.ts';
import { cliRig } from './helpers/cli.ts';
import { storeEngine } from './helpers/test-store.ts';
import { startWebhookReceiver } from './helpers/webhook-receiver.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ESC = '\u001b';

test(`seller names and terms holding HTML, script, ESC sequences, NUL and WeChat handles, crawled end to end: no command's text and no sink body carries a raw ESC byte or a full handle (${storeEngine})`, async (t) => {
  t.timeout(600_000);
  const market = await startAdsServer(t, hostileAds);
  const receiver = await startWebhookReceiver(SECRET);
  t.teardown(() => receiver.close());
  const { cli, env, dataDir } = await cliRig(t, { timeoutMs: 480_000 });
  const file = path.join(dataDir, 'alerts.jsonl');
  Object.assign(env, { OTCWATCH_ALERTS_FILE: file, OTCWATCH_WEBHOOK_URL: receiver.url, OTCWATCH_WEBHOOK_SECRET: SECRET });

  const outputs: Record<string, string> = {};
  const run = async (...args: string[]) => {
    const result = await cli(...args);
    t.is(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    outputs[args.join(' ')] = result.stdout + result.stderr;
    return result.stdout;
  };
  await run('crawl', 'demo-api', '--base-url', market.url, '--min-gap-ms', '0', '--concurrency', '4', '--verbose');
  market.advance();
  await run('crawl', 'demo-api', '--min-gap-ms', '0', '--concurrency', '4');
  // The store keeps the text as read less its C0 controls (removed before the store with a parse-failure note, issue 12): the handles the outputs must mask are there.
  const raw = await run('sql', '--raw', '--json', "select operator_name, terms from listing_observations where operator_name like '%鑫汇%' limit 1");
  t.deepEqual(JSON.parse(raw), [{ operator_name: storedAs(HOSTILE.escName), terms: storedAs(HOSTILE.terms) }]);
  delete outputs[Object.keys(outputs).find((k) => k.startsWith('sql --raw'))!];
  const escId = JSON.parse(await run('sql', '--json', "select id from operators where name like '%鑫汇%'"))[0].id as number;

  await run('runs');
  await run('runs', '--json');
  await run('alerts', '--baseline', '--all', '--limit', '500');
  await run('alerts', '--baseline', '--all', '--limit', '500', '--json');
  await run('operators', '--limit', '100');
  await run('operators', '--limit', '100', '--json');
  await run('operators', 'explain', String(escId));
  await run('operators', 'explain', 'demo:s0003', '--json');
  await run('diff', 'demo-api', '--price-threshold', '0');
  await run('diff', 'demo-api', '--json');
  await run('sql', "select operator_name, terms from listing_observations");
  await run('sql', '--json', "select operator_name, terms from listing_observations");
  await run('export', 'observations', '--format', 'csv');
  await run('export', 'operators', '--format', 'jsonl');
  await run('export', 'alerts', '--format', 'jsonl');
  await run('report', '--out', path.join(dataDir, 'report.html'));
  outputs['report.html'] = await readFile(path.join(dataDir, 'report.html'), 'utf8');
  outputs['file sink'] = await readFile(file, 'utf8');
  outputs['webhook bodies'] = JSON.stringify(receiver.accepted);
  t.true(receiver.accepted.length > 1, 'the webhook got the digest and the second run\'s alerts');

  t.true(Object.values(outputs).join('\n').includes('鑫汇'), 'the hostile seller is in the outputs');
  for (const [what, text] of Object.entries(outputs)) {
    t.false(text.includes(ESC), `${what}: a raw ESC byte`);
    t.false(text.includes('\\u001b'), `${what}: an ESC byte escaped in JSON (it would be raw again once parsed)`);
    t.false(text.includes('\u0000') || text.includes('\\u0000'), `${what}: a NUL`);
    for (const handle of HOSTILE.handles) t.false(text.includes(handle), `${what}: the full handle ${handle}`);
  }
});

/** A seller text as the store keeps it: C0 controls other than tab and line breaks removed (crawler/normalize/text-hygiene.ts). */
function storedAs(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/gu, '');
}
