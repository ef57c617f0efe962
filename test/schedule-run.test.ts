import { spawn } from 'node:child_process';
import test, { type ExecutionContext } from 'ava';
import { startDemoMarketplace, type DemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { OTCWATCH_BIN } from './helpers/built-cli.ts';
import { cliRig, type Cli } from './helpers/cli.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

interface RunEvent {
  at: string;
  event: string;
  [key: string]: unknown;
}

/** A real `otcwatch run` child process; its stdout JSON lines parsed as they arrive. */
function startRun(t: ExecutionContext, env: NodeJS.ProcessEnv, args: string[]) {
  const child = spawn(process.execPath, [OTCWATCH_BIN, 'run', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: RunEvent[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) events.push(JSON.parse(line) as RunEvent);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + 90_000;
    while (!condition()) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`otcwatch run: no ${what}; stderr: ${stderr}; events: ${JSON.stringify(events)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, events, exited, until, of: (event: string) => events.filter((e) => e.event === event), stderr: () => stderr };
}

async function demoSession(t: ExecutionContext): Promise<{ cli: Cli; env: NodeJS.ProcessEnv; market: DemoMarketplace }> {
  const [{ cli, env }, market] = await Promise.all([cliRig(t), startDemoMarketplace()]);
  t.teardown(() => market.close());
  const set = await cli('sources', 'set', 'demo-api', '--base-url', market.url, '--min-gap-ms', '0', '--concurrency', '4');
  t.is(set.code, 0, set.stderr);
  return { cli, env, market };
}

interface RunRow {
  id: number;
  status: string;
  started_at: string;
  finished_at: string | null;
}

test(title('otcwatch run fires a seconds-level schedule against the demo marketplace and stops cleanly on SIGTERM'), async (t) => {
  const { cli, env } = await demoSession(t);
  const added = await cli('schedule', 'add', 'demo-api', '--cron', '*/2 * * * * *');
  t.is(added.code, 0, added.stderr);
  t.regex(added.stdout, /^schedule #1: demo-api on "\*\/2 \* \* \* \* \*" \(UTC\); next run /);
  // A declarative source's own schedule; the source is shipped disabled, so it never fires.
  const declared = await cli('schedule', 'add', 'example-cn-board');
  t.regex(declared.stdout, /^schedule #2: example-cn-board on "\*\/30 \* \* \* \*"/, declared.stderr);

  const run = startRun(t, env, ['--grace', '10', '--poll', '1']);
  await run.until(() => run.of('run').length >= 3, 'third run');
  run.child.kill('SIGTERM');
  t.deepEqual(await run.exited, { code: 0, signal: null }, run.stderr());

  const fired = run.of('fire');
  const finished = run.of('run');
  t.like(run.of('started')[0], { schedules: 1 });
  t.is(finished.length, fired.length, 'every crawl started was finished before exit');
  t.true(finished.every((e) => e.status === 'complete' && typeof e.run === 'number' && Number(e.listings) > 40));
  t.true(run.of('after-run').some((e) => /scored \d+ operators/.test(String(e.line))));
  t.like(run.of('stopping')[0], { reason: 'SIGTERM' });
  t.like(run.events.at(-1), { event: 'stopped', clean: true });

  const runs = JSON.parse((await cli('runs', '--json', '--limit', '100')).stdout) as RunRow[];
  t.deepEqual(runs.map((r) => r.id).sort((a, b) => a - b), finished.map((e) => e.run));
  t.true(runs.every((r) => r.status === 'complete'), 'no run is left running');
  const ordered = [...runs].sort((a, b) => a.id - b.id);
  for (let i = 1; i < ordered.length; i += 1) t.true(ordered[i]!.started_at >= ordered[i - 1]!.finished_at!, 'runs of one source never overlap');
  const [schedule, disabled] = JSON.parse((await cli('schedule', 'list', '--json')).stdout) as { state: string; last_run: string }[];
  t.regex(schedule!.last_run, new RegExp(`^#${ordered.at(-1)!.id} complete `));
  t.like(disabled, { state: 'source disabled', last_run: '' });
});

test(title('SIGTERM during a crawl: with no grace the crawl is aborted, stored as cancelled, and run exits 0'), async (t) => {
  const { cli, env, market } = await demoSession(t);
  market.advance(); // more than 50 ads: the API serves two pages
  market.faults.inject({ path: '/api/v1/ads', query: { page: '2' }, kind: 'slow', delayMs: 1500 });
  t.is((await cli('schedule', 'add', 'demo-api', '--every', '1s')).code, 0);

  const run = startRun(t, env, ['--grace', '0']);
  await run.until(() => market.requestLog.entries.some((r) => r.path.includes('page=2')), 'request for page 2');
  run.child.kill('SIGTERM');
  t.deepEqual(await run.exited, { code: 0, signal: null }, run.stderr());

  t.is(run.of('aborting').length, 1);
  t.like(run.of('run')[0], { status: 'cancelled' });
  const runs = JSON.parse((await cli('runs', '--json')).stdout) as (RunRow & { error: string })[];
  t.is(runs.length, 1);
  t.is(runs[0]!.status, 'cancelled');
  t.regex(runs[0]!.error, /cancelled before the source was exhausted/);
});
