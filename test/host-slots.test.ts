import { spawn } from 'node:child_process';
import path from 'node:path';
import test from 'ava';
import { sql } from 'kysely';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import type { RequestLogEntry } from '../scripts/demo/request-log.ts';
import { storeHostSlots } from '../store/host-slots.ts';
import { cliRig } from './helpers/cli.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const BIN = path.resolve(import.meta.dirname, '../scripts/otcwatch.mjs');
// Server arrivals add client wake-up and network-stack jitter to the
// spacing the store reserved; on a loaded 2-core machine that reaches tens of ms.
const TOLERANCE_MS = 40;

const ms = (a: Date, b: Date) => b.getTime() - a.getTime();

test(title('slots: each reservation is the last one plus the gap; a stricter gap declared lately binds a laxer caller until it lapses'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  const slots = storeHostSlots(store.db);

  const a = await slots.reserve('desk.test', 5000);
  const b = await slots.reserve('desk.test', 5000);
  t.true(Math.abs(ms(a.at, b.at) - 5000) <= 1, `${ms(a.at, b.at)} ms apart`);
  t.true(b.waitMs > 4000 && b.waitMs <= 5000, 'the caller is told to wait for it');

  const c = await slots.reserve('desk.test', 100);
  t.true(Math.abs(ms(b.at, c.at) - 5000) <= 1, 'the 5000 ms source still binds the 100 ms one');
  await sql`update host_slots set gap_until = now() - interval '1 second' where host = 'desk.test'`.execute(store.db);
  const d = await slots.reserve('desk.test', 100);
  t.true(Math.abs(ms(c.at, d.at) - 100) <= 1, 'once the strict source stops reserving, its gap lapses');

  const other = await slots.reserve('other.test', 5000);
  t.is(other.waitMs, 0, 'hosts are independent; a new host starts now');
});

test(title('slots: concurrent reservations on one host are spaced exactly, none shares a start'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  const slots = storeHostSlots(store.db);
  const reserved = await Promise.all(Array.from({ length: 12 }, () => slots.reserve('busy.test', 250)));
  const starts = reserved.map((s) => s.at.getTime()).sort((x, y) => x - y);
  for (let i = 1; i < starts.length; i++) t.true(starts[i]! - starts[i - 1]! >= 249, `starts ${i - 1} and ${i}: ${starts[i]! - starts[i - 1]!} ms`);
});

/** Gaps between consecutive crawl requests (not control calls) that arrived while both `pick`s were crawling. */
function overlapGaps(entries: readonly RequestLogEntry[], pick: [(e: RequestLogEntry) => boolean, (e: RequestLogEntry) => boolean]) {
  const crawl = entries.filter((e) => !e.control);
  const spans = pick.map((of) => crawl.filter(of).map((e) => e.hrAt));
  const from = Math.max(...spans.map((s) => Math.min(...s)));
  const to = Math.min(...spans.map((s) => Math.max(...s)));
  const inside = crawl.filter((e) => e.hrAt >= from && e.hrAt <= to);
  return {
    counts: pick.map((of) => inside.filter(of).length),
    gaps: inside.slice(1).map((e, i) => e.hrAt - inside[i]!.hrAt),
  };
}

test(title('two sources on one host, configured differently, crawled side by side in one process: the stricter gap holds'), async (t) => {
  const rig = await demoCrawlRig(t, { pageSize: 5 });
  await rig.source('demo-api', { minGapMs: 0 });
  await rig.source('demo-html', { minGapMs: 300 });
  rig.market.advance(); // two API pages
  const [api, html] = await Promise.all([rig.crawl('demo-api'), rig.crawl('demo-html')]);
  t.is(api.status, 'complete');
  t.is(html.status, 'complete');
  const { counts, gaps } = overlapGaps(rig.market.requestLog.entries, [(e) => e.pathname === '/api/v1/ads', (e) => e.pathname === '/market']);
  t.true(counts.every((n) => n >= 1), `both crawled at once: ${counts}`);
  for (const gap of gaps) t.true(gap >= 300 - TOLERANCE_MS, `a ${gap.toFixed(1)} ms gap`);
});

/** A real `otcwatch crawl` child process; resolves with its exit and output. */
function crawlProcess(env: NodeJS.ProcessEnv, args: string[]) {
  const child = spawn(process.execPath, [BIN, 'crawl', ...args, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

// Two processes need a store both can open: only a database server is one
// (the embedded store belongs to one process), so this runs on Postgres.
if (process.env.DATABASE_URL) {
  test(title('two processes crawling two sources on one host hold the stricter source’s gap between all their requests'), async (t) => {
    const { env } = await cliRig(t);
    const market = await startDemoMarketplace({ seed: 42, tick: 1, pageSize: 3 });
    t.teardown(() => market.close());
    const as = (who: string) => ({ ...env, OTCWATCH_USER_AGENT: `otcwatch/0.1 (+${who})` });
    const [strict, lax] = await Promise.all([
      crawlProcess(as('strict'), ['demo-html', '--base-url', market.url, '--min-gap-ms', '400']),
      crawlProcess(as('lax'), ['demo-board', '--base-url', market.url, '--min-gap-ms', '0']),
    ]);
    t.is(strict.code, 0, strict.stderr);
    t.is(lax.code, 0, lax.stderr);
    t.like(JSON.parse(strict.stdout), { status: 'complete' });
    t.like(JSON.parse(lax.stdout), { status: 'complete' });
    const { counts, gaps } = overlapGaps(market.requestLog.entries, [(e) => e.userAgent?.includes('strict') === true, (e) => e.userAgent?.includes('lax') === true]);
    t.true(counts.every((n) => n >= 3), `the two processes crawled side by side: ${counts}`);
    for (const gap of gaps) t.true(gap >= 400 - TOLERANCE_MS, `a ${gap.toFixed(1)} ms gap between the two processes' requests`);
  });
}
