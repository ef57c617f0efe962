import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { lockDataFolder } from '../store/data-folder-lock.ts';

const LOCK = path.resolve(import.meta.dirname, '../store/data-folder-lock.ts');
const STALE_MS = 2000;

interface Contender {
  child: ChildProcess;
  /** The child's first line: "locked", or the error it got. */
  outcome: Promise<string>;
}

/** A real process that takes the lock (or fails to) and then holds it until killed. */
function contender(dir: string, then = 'setInterval(() => {}, 1000);'): Contender {
  const code = `
    import { lockDataFolder } from ${JSON.stringify(LOCK)};
    try { await lockDataFolder(${JSON.stringify(dir)}, { staleMs: ${STALE_MS} }); console.log('locked'); ${then} }
    catch (error) { console.log(error.message); }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const outcome = new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', () => resolve(out.trim() || 'exited'));
  });
  return { child, outcome };
}

async function killed(child: ChildProcess): Promise<void> {
  const exit = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exit;
}

test('the data-folder lock: a live owner is named, a kill -9 owner is taken over by exactly one of two racing processes', async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), 'otcwatch-lock-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const dir = path.join(root, 'pgdata');

  const first = contender(dir);
  t.teardown(() => first.child.kill('SIGKILL'));
  t.is(await first.outcome, 'locked');
  await t.throwsAsync(lockDataFolder(dir, { staleMs: STALE_MS }), { message: new RegExp(`in use by process ${first.child.pid}`) });

  await killed(first.child);
  const racers = [contender(dir), contender(dir)];
  t.teardown(() => racers.forEach((r) => r.child.kill('SIGKILL')));
  const outcomes = await Promise.all(racers.map((r) => r.outcome));
  const winner = outcomes.indexOf('locked');
  t.not(winner, -1, outcomes.join(' / '));
  t.regex(outcomes[1 - winner]!, new RegExp(`in use by process ${racers[winner]!.child.pid}`), 'the other is refused, naming the winner');

  await killed(racers[winner]!.child);
  const release = await lockDataFolder(dir, { staleMs: STALE_MS });
  await release();
  const again = await lockDataFolder(dir, { staleMs: STALE_MS });
  await again();
  t.pass();
});

test('a process that exits without releasing (process.exit) takes its lock down on the way out', async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), 'otcwatch-lock-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const dir = path.join(root, 'pgdata');
  const quitter = contender(dir, 'process.exit(0);');
  const exited = new Promise((resolve) => quitter.child.once('exit', resolve));
  t.is(await quitter.outcome, 'locked');
  await exited;
  t.false(existsSync(`${dir}.lock.d`));
  const release = await lockDataFolder(dir, { staleMs: 60_000 });
  await release();
});
