import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { HostLimiter, type HostEvent } from '../crawler/fetch/host-limiter.ts';
import { startLocalServer, warmUp } from './helpers/local-server.ts';
import { virtualClock } from './helpers/virtual-clock.ts';

// The limiter spaces task starts exactly (checked on its 'start' events);
// arrivals at the server add network-stack jitter, which on a loaded 2-core
// CI machine reaches ~10 ms. Without the limiter the gaps would be ~0.
const TOLERANCE_MS = 25;

// Timing tests run one at a time: tests in a file share one event loop, and
// a neighbour's work would delay request arrivals by more than the tolerance.

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] ?? t));
}

test.serial('min gap between request starts holds at the server', async (t) => {
  const server = await startLocalServer((_req, res) => res.end('ok'));
  t.teardown(() => server.close());
  await warmUp(server);
  const limiter = new HostLimiter({ defaults: { minGapMs: 80, concurrency: 3 } });
  // The first request through a fresh code path is slower to arrive; it is
  // spaced like the rest but left out of the measurement.
  await limiter.schedule(server.url, async () => (await fetch(`${server.url}/first`)).text());
  server.requests.splice(0);
  const starts: HostEvent[] = [];
  limiter.on('start', (e) => starts.push(e));

  await Promise.all(
    [1, 2, 3, 4, 5].map((i) =>
      limiter.schedule(`${server.url}/p${i}`, async () => (await fetch(`${server.url}/p${i}`)).text()),
    ),
  );

  t.is(server.requests.length, 5);
  // Each start is spaced by the limiter itself; at the server one request may arrive late and
  // the next on time, so there the whole span is checked: arrival jitter moves only its ends.
  for (const gap of gaps(starts.map((e) => e.at))) t.true(gap >= 80 - 1, `start gap ${gap}`);
  const arrivals = server.requests.map((r) => r.at);
  const span = arrivals[arrivals.length - 1]! - arrivals[0]!;
  t.true(span >= 4 * 80 - TOLERANCE_MS, `5 requests arrived within ${span} ms`);
  t.is(starts.length, 5);
  t.true(starts.every((e) => e.host === server.host));
});

test.serial('interval cap: at most requestsPerInterval starts in any window', async (t) => {
  const server = await startLocalServer((_req, res) => res.end('ok'));
  t.teardown(() => server.close());
  await warmUp(server, 2); // pairs start together: two pooled connections
  const limiter = new HostLimiter({ defaults: { minGapMs: 0, concurrency: 10 } });
  limiter.configure(server.host, { requestsPerInterval: 2, intervalMs: 150 });
  // As above: the first request through the limiter is measured out.
  await limiter.schedule(server.url, async () => (await fetch(`${server.url}/first`)).text());
  server.requests.splice(0);

  const starts: number[] = [];
  limiter.on('start', (e) => starts.push(e.at));
  const began = performance.timeOrigin + performance.now();
  await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      limiter.schedule(server.url, async () => (await fetch(`${server.url}/i${i}`)).text()),
    ),
  );

  for (let i = 2; i < starts.length; i++) t.true(starts[i]! - starts[i - 2]! >= 149, `starts ${i - 2} and ${i} too close`);
  const at = server.requests.map((r) => r.at);
  t.is(at.length, 6);
  for (let i = 2; i < at.length; i++) {
    const span = (at[i] ?? 0) - (at[i - 2] ?? 0);
    t.true(span >= 150 - TOLERANCE_MS, `requests ${i - 2} and ${i} only ${span} ms apart`);
  }
  t.true((at[5] ?? 0) - began >= 300 - TOLERANCE_MS);
});

test.serial('concurrency is per host, and two hosts run in parallel', async (t) => {
  let overlapped = false;
  const track = () => {
    const state = { inFlight: 0, max: 0 };
    return {
      state,
      handler: async (_req: unknown, res: { end: (body: string) => void }) => {
        state.inFlight++;
        state.max = Math.max(state.max, state.inFlight);
        if (a.state.inFlight > 0 && b.state.inFlight > 0) overlapped = true;
        await sleep(60);
        state.inFlight--;
        res.end('ok');
      },
    };
  };
  const a = track();
  const b = track();
  const serverA = await startLocalServer(a.handler);
  const serverB = await startLocalServer(b.handler);
  t.teardown(() => Promise.all([serverA.close(), serverB.close()]));
  await Promise.all([warmUp(serverA), warmUp(serverB)]);
  a.state.max = 0;
  b.state.max = 0;
  const limiter = new HostLimiter({ defaults: { minGapMs: 0 } });
  limiter.configure(serverA.host, { concurrency: 2 });
  limiter.configure(serverB.host, { concurrency: 1 });

  const run = (origin: string, i: number) =>
    limiter.schedule(origin, async () => (await fetch(`${origin}/r${i}`)).text());
  const began = Date.now();
  await Promise.all([0, 1, 2, 3].flatMap((i) => [run(serverA.url, i), run(serverB.url, i)]));
  const elapsed = Date.now() - began;

  t.is(a.state.max, 2);
  t.is(b.state.max, 1);
  t.true(overlapped, 'a request to one host was in flight while the other host served one');
  // B's four requests, one at a time, take at least 4 × 60 ms.
  t.true(elapsed >= 240 - TOLERANCE_MS, `elapsed ${elapsed}`);
});

test.serial('min gap also spaces starts when concurrency allows several in flight', async (t) => {
  const limiter = new HostLimiter({ defaults: { minGapMs: 40, concurrency: 4 } });
  const starts: number[] = [];
  const ends: number[] = [];
  limiter.on('start', ({ at }) => starts.push(at));
  limiter.on('end', ({ at }) => ends.push(at));
  await Promise.all([0, 1, 2, 3].map(() => limiter.schedule('http://example.test/', () => sleep(100))));
  for (const gap of gaps(starts)) t.true(gap >= 40 - TOLERANCE_MS, `gap ${gap}`);
  t.true((starts[1] ?? 0) < (ends[0] ?? 0), 'the second task started while the first still ran');
});

test('hosts are keyed by host:port and are independent', async (t) => {
  const limiter = new HostLimiter({ defaults: { minGapMs: 200 } });
  const starts: HostEvent[] = [];
  limiter.on('start', (e) => starts.push(e));
  const began = Date.now();
  await Promise.all([
    limiter.schedule('http://127.0.0.1:1/a', async () => 1),
    limiter.schedule('http://127.0.0.1:2/a', async () => 2),
  ]);
  t.true(Date.now() - began < 190, 'a shared gap would hold the second host for 200 ms');
  t.deepEqual(starts.map((e) => e.host).sort(), ['127.0.0.1:1', '127.0.0.1:2']);
});

test('task results and errors pass through; end is emitted either way; onIdle waits', async (t) => {
  const limiter = new HostLimiter({ defaults: { minGapMs: 10 } });
  const ends: HostEvent[] = [];
  limiter.on('end', (e) => ends.push(e));
  const ok = limiter.schedule('http://h.test/', async () => 42);
  const bad = limiter.schedule('http://h.test/', async () => {
    throw new Error('boom');
  });
  let late = false;
  void limiter.schedule('http://h.test/', async () => {
    await sleep(20);
    late = true;
  });
  t.is(await ok, 42);
  await t.throwsAsync(bad, { message: 'boom' });
  await limiter.onIdle();
  t.true(late);
  t.is(ends.length, 3);
});

test('politeness: defaults documented, configure merges, bad values are refused', (t) => {
  const limiter = new HostLimiter();
  t.deepEqual(limiter.politeness('x.test'), {
    concurrency: 1,
    minGapMs: 1000,
    requestsPerInterval: 0,
    intervalMs: 1000,
  });
  limiter.configure('x.test', { minGapMs: 250, respectRobots: false });
  limiter.configure('x.test', { concurrency: 2 });
  t.like(limiter.politeness('x.test'), { minGapMs: 250, concurrency: 2 });
  t.is(limiter.politeness('y.test').minGapMs, 1000);
  t.throws(() => limiter.configure('x.test', { concurrency: 0 }), { instanceOf: RangeError, message: /concurrency/ });
  t.throws(() => new HostLimiter({ defaults: { requestsPerInterval: -1 } }), { instanceOf: RangeError });
});

test.serial('raising minGapMs while a host is busy applies to the next start', async (t) => {
  const limiter = new HostLimiter({ defaults: { minGapMs: 0 } });
  const starts: number[] = [];
  limiter.on('start', ({ at }) => starts.push(at));
  await limiter.schedule('http://g.test/', async () => {
    limiter.configure('g.test', { minGapMs: 120 });
  });
  await limiter.schedule('http://g.test/', async () => undefined);
  await limiter.schedule('http://g.test/', async () => undefined);
  t.true((starts[2] ?? 0) - (starts[1] ?? 0) >= 120 - TOLERANCE_MS);
});

test('sources sharing a host: the strictest of them holds, whichever configured last; a source may loosen its own', (t) => {
  const limiter = new HostLimiter();
  limiter.configure('shared.test', { minGapMs: 5000, concurrency: 4, requestsPerInterval: 0 }, 'careful');
  limiter.configure('shared.test', { minGapMs: 0, concurrency: 2, requestsPerInterval: 10, intervalMs: 60_000 }, 'eager');
  t.deepEqual(limiter.politeness('shared.test'), { minGapMs: 5000, concurrency: 2, requestsPerInterval: 10, intervalMs: 60_000 });
  limiter.configure('shared.test', { minGapMs: 200 }, 'careful');
  t.is(limiter.politeness('shared.test').minGapMs, 200, 'the careful source itself asked for less');
  t.is(limiter.politeness('other.test').minGapMs, 1000, 'other hosts keep the defaults');
});

test('strictest gap and every window cap hold at once (virtual clock: nothing sleeps)', async (t) => {
  const clock = virtualClock();
  const limiter = new HostLimiter({ clock });
  limiter.configure('w.test', { minGapMs: 0, concurrency: 8, requestsPerInterval: 3, intervalMs: 1000 }, 'a');
  limiter.configure('w.test', { minGapMs: 100, concurrency: 8, requestsPerInterval: 0 }, 'b');
  const starts: number[] = [];
  limiter.on('start', ({ at }) => starts.push(at));
  await Promise.all(Array.from({ length: 7 }, () => limiter.schedule('http://w.test/', async () => undefined)));
  const t0 = starts[0]!;
  // Oracle worked by hand: 100 ms apart, and a fourth start waits for the 1 s window of the first.
  t.deepEqual(starts.map((at) => at - t0), [0, 100, 200, 1000, 1100, 1200, 2000]);
});

test('an aborted wait rejects at once with the reason, and its task never runs', async (t) => {
  // The real clock: were the abort not to reach the wait, this test would sit out 60 s and time out.
  const limiter = new HostLimiter({ defaults: { minGapMs: 60_000 } });
  await limiter.schedule('http://slow.test/', async () => undefined);
  const controller = new AbortController();
  let ran = false;
  const waiting = limiter.schedule('http://slow.test/', async () => { ran = true; }, { signal: controller.signal });
  const queued = limiter.schedule('http://slow.test/', async () => { ran = true; }, { signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 20));
  controller.abort(new Error('stop now'));
  await Promise.all([t.throwsAsync(waiting, { message: 'stop now' }), t.throwsAsync(queued, { message: 'stop now' })]);
  await limiter.onIdle();
  t.false(ran);
});
