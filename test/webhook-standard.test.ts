import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { webhookSink } from '../scripts/alerts/webhook-sink.ts';
import type { AlertRecord } from '../store/alerts.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** The README's receiver example, exactly as printed there. */
function readmeReceiver(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```js\n(\/\/ webhook-receiver\.mjs[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no webhook-receiver.mjs example');
  return block[1]!;
}

const alert: AlertRecord = {
  id: 41,
  kind: 'new_domestic_payment_method',
  sourceId: 'demo-api',
  runId: 7,
  operatorId: 12,
  listingId: 15,
  subject: 'Mint Traders now accepts Alipay (domestic) on ad000015',
  payload: { method: 'alipay' },
  dedupKey: 'new_domestic_payment_method:demo-api:operator:12:alipay:baseline:4',
  createdAt: new Date('2026-12-01T20:00:00.000Z'),
  ackedAt: null,
  baseline: false,
};

interface Captured {
  headers: IncomingHttpHeaders;
  body: string;
}

test('the README receiver accepts a real delivery once, and rejects a replay, a stale timestamp and a tampered body', async (t) => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--input-type=module', '-e', readmeReceiver()], {
    cwd: ROOT,
    env: { ...process.env, OTCWATCH_WEBHOOK_SECRET: SECRET, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let acted = '';
  let errors = '';
  child.stdout.on('data', (chunk) => (acted += String(chunk)));
  child.stderr.on('data', (chunk) => (errors += String(chunk)));
  t.teardown(() => child.kill('SIGKILL'));
  await untilListening(port, () => errors);
  const receiverUrl = `http://127.0.0.1:${port}/hooks`;

  // A real delivery, captured on its way, then handed to the receiver as the network would.
  const captured: Captured[] = [];
  const capture = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    captured.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => capture.close());
  await webhookSink({ url: `http://127.0.0.1:${(capture.address() as AddressInfo).port}/`, secret: SECRET }).deliver(alert);
  const [delivery] = captured;
  t.is(delivery!.headers['webhook-id'], 'otcwatch-alert-41');
  t.regex(String(delivery!.headers['webhook-timestamp']), /^\d{10}$/);
  t.regex(String(delivery!.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]{43}=$/);
  t.false(JSON.stringify(delivery).includes(SECRET.slice('whsec_'.length)), 'the secret is not sent');

  const first = await forward(receiverUrl, delivery!);
  t.deepEqual(first, { status: 200, text: 'ok' });
  const replay = await forward(receiverUrl, delivery!);
  t.deepEqual(replay, { status: 200, text: 'duplicate, ignored' }, 'a replay within the tolerance is a duplicate, not acted on');

  const restamped = { ...delivery!, headers: { ...delivery!.headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) + 1), 'webhook-id': 'otcwatch-alert-42' } };
  t.deepEqual(await forward(receiverUrl, restamped), { status: 401, text: 'rejected: No matching signature found' }, 'id and timestamp are signed');
  const tampered = { ...delivery!, body: delivery!.body.replace('Alipay', 'WeChat') };
  t.is((await forward(receiverUrl, tampered)).status, 401);

  // A delivery signed ten minutes ago (a captured request replayed later) is stale: refused, and not retried.
  const stale = webhookSink({ url: receiverUrl, secret: SECRET, now: () => new Date(Date.now() - 10 * 60_000), tries: 3, baseDelayMs: 1 });
  const error = await t.throwsAsync(stale.deliver({ ...alert, id: 43 }));
  t.regex(error!.message, /HTTP 401: rejected: Message timestamp too old/);
  t.false(error!.message.includes(SECRET), 'the secret is not in the error');

  await sleep(50);
  const lines = acted.trim().split('\n').map((line) => JSON.parse(line) as { id: string; subject: string });
  t.deepEqual(lines, [{ id: 'otcwatch-alert-41', kind: alert.kind, subject: alert.subject }], 'acted on once, only on the good delivery');
});

test('a secret that is not a Standard Webhooks secret is refused without being shown', (t) => {
  for (const secret of ['s3cret-but-plain', 'whsec_c2hvcnQ=', 'whsec_not base64!!']) {
    const error = t.throws(() => webhookSink({ url: 'http://127.0.0.1:9/', secret }));
    t.regex(error!.message, /not a Standard Webhooks secret/);
    t.false(error!.message.includes(secret), secret);
  }
});

async function forward(url: string, request: Captured): Promise<{ status: number; text: string }> {
  const headers = Object.fromEntries(
    ['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(request.headers[name])]),
  );
  const response = await fetch(url, { method: 'POST', headers, body: request.body });
  return { status: response.status, text: await response.text() };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function untilListening(port: number, stderr: () => string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`the README receiver did not start: ${stderr()}`);
}
