import { spawn } from 'node:child_process';
import path from 'node:path';
import test from 'ava';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { cliRig } from './helpers/cli.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const BIN = path.resolve(import.meta.dirname, '../scripts/otcwatch.mjs');

test(title('SIGTERM during a Retry-After: 60 wait ends `otcwatch crawl` at once: the run is cancelled and the exit status 143'), async (t) => {
  const { cli, env } = await cliRig(t);
  const market = await startDemoMarketplace({ seed: 42 });
  t.teardown(() => market.close());
  market.faults.inject({ path: '/api/v1/ads', kind: '429', retryAfterSeconds: 60 });

  const child = spawn(process.execPath, [BIN, 'crawl', 'demo-api', '--base-url', market.url, '--min-gap-ms', '0', '--grace', '30', '--json'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const deadline = Date.now() + 120_000;
  while (!market.requestLog.entries.some((r) => r.pathname === '/api/v1/ads' && r.status === 429)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no 429 was served; stderr: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 500)); // the answer is in: the crawl sleeps out its 60 s
  child.kill('SIGTERM');

  // The grace timer would also end the process, with nothing on stdout: the
  // printed result proves the crawl itself ended and stored its run.
  t.deepEqual(await exited, { code: 143, signal: null }, stderr);
  t.like(JSON.parse(stdout), { sourceId: 'demo-api', status: 'cancelled', pagesOk: 0 });
  t.regex(stderr, /SIGTERM: stopping/);
  t.is(market.requestLog.matching('/api/v1/ads').length, 1, 'the page was not asked for again');
  const [run] = JSON.parse((await cli('runs', '--json')).stdout) as { status: string; error: string }[];
  t.regex(run!.error, /^cancelled before the source was exhausted/);
});
