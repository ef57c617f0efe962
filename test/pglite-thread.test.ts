import test from 'ava';
import { openPgliteThread } from '../store/pglite-thread.ts';

test('the embedded engine in its thread returns rows as PGlite parses them, and errors with their fields', async (t) => {
  const engine = await openPgliteThread('memory://');
  t.teardown(() => engine.close());
  const { rows } = await engine.query<{ at: Date; price: string; doc: unknown; n: number }>(
    `select $1::timestamptz as at, '12345678901234567890.12'::numeric as price, '{"a":[1,"二"]}'::jsonb as doc, 7 as n`,
    [new Date('2026-12-06T10:00:00Z')],
  );
  t.deepEqual(rows, [{ at: new Date('2026-12-06T10:00:00Z'), price: '12345678901234567890.12', doc: { a: [1, '二'] }, n: 7 }]);
  await engine.exec('create table t (id int primary key)');
  await engine.query('insert into t values (1)');
  const error = await t.throwsAsync(engine.query('insert into t values (1)'));
  t.like(error, { code: '23505', constraint: 't_pkey' });
  t.regex(error!.message, /duplicate key value/);
  const arrays = await engine.query<unknown[]>('select 1, 2', [], { rowMode: 'array' });
  t.deepEqual(arrays.rows, [[1, 2]]);
  await engine.close();
  t.true(engine.closed);
  await t.throwsAsync(engine.query('select 1'), { message: /closed/ });
});

test('a long query in the embedded engine leaves the event loop free', async (t) => {
  const engine = await openPgliteThread('memory://');
  t.teardown(() => engine.close());
  let worstLagMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worstLagMs = Math.max(worstLagMs, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  await engine.query('select sum(i::bigint * i) from generate_series(1, 3000000) i');
  const queryMs = performance.now() - started;
  clearInterval(timer);
  // On the process's own thread the timer would wait out the whole query.
  t.true(queryMs > 200, `the query took ${queryMs.toFixed(0)} ms, too short to tell`);
  t.true(worstLagMs < queryMs / 2, `the timer was held up to ${worstLagMs.toFixed(0)} ms during a ${queryMs.toFixed(0)} ms query`);
});
