import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import pg from 'pg';
import { ConsoleRefusal } from '../store/console-statement.ts';
import { runSql } from '../store/read-only-query.ts';
import { cliRig } from './helpers/cli.ts';
import { createTestDatabase, createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

const alipayCount = 'select count(*)::int as n from payment_methods where code = \'alipay\'';

/** Each text an attacker might send, and what the refusal must say. */
const attacks: [string, RegExp][] = [
  ["commit; delete from payment_methods where code = 'alipay'", /one statement at a time: this holds 2/],
  ["set transaction read write; delete from payment_methods where code = 'alipay'", /one statement at a time/],
  ['set transaction read write', /SET is refused/],
  ['set role postgres', /SET is refused/],
  ['set session authorization postgres', /SET is refused/],
  ['reset role', /RESET is refused/],
  ['commit', /COMMIT is refused/],
  ["copy (select 1) to program 'touch {file}'", /COPY is refused/],
  ["COPY (select 1) TO '{file}'", /COPY is refused/],
  ["/* hi */ CoPy payment_methods from '{file}'", /COPY is refused/],
  ["select lo_import('/etc/hostname')", /lo_import is refused/],
  ["select lo_export(1, '{file}')", /lo_export is refused/],
  ["select pg_read_file('/etc/hostname')", /pg_read_file is refused/],
  ["select PG_READ_FILE('/etc/hostname')", /pg_read_file is refused/],
  ["select pg_catalog . /* x */ pg_read_file('/etc/hostname')", /pg_read_file is refused/],
  ["select \"pg_read_file\"('/etc/hostname')", /pg_read_file is refused/],
  ["select pg_read_binary_file('/etc/hostname')", /pg_read_binary_file is refused/],
  ["select * from pg_ls_dir('.')", /pg_ls_dir is refused/],
  ["select pg_stat_file('/etc/hostname')", /pg_stat_file is refused/],
  ['select pg_terminate_backend(pid) from pg_stat_activity', /pg_terminate_backend is refused/],
  ['select pg_cancel_backend(1)', /pg_cancel_backend is refused/],
  ["select dblink_exec('dbname=postgres', 'drop table x')", /dblink_exec is refused/],
  ["select set_config('default_transaction_read_only', 'off', false)", /set_config is refused/],
  ['select 1 --; \n; delete from payment_methods', /one statement at a time/],
  ["select 'it''s'; delete from payment_methods", /one statement at a time/],
  ["select $q$ ; $q$; delete from payment_methods", /one statement at a time/],
  ['select 1 /* /* nested */ ; */ ; delete from payment_methods', /one statement at a time/],
  ['select U&"\\0070g_read_file"(\'/etc/hostname\')', /Unicode-escaped identifiers/],
  ["delete from payment_methods where code = 'alipay'", /read-only: only a query/],
  ["do $$ begin perform pg_sleep(0); end $$", /DO is refused/],
  ["load '/tmp/x.so'", /LOAD is refused/],
  ['select 1 /* unterminated', /unterminated \/\* comment/],
  ['   -- only a comment', /no statement given/],
];

test(title('the SQL console refuses every statement that writes, reaches outside, or is several, before sending it'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  const file = path.join(tmpdir(), `otcwatch-sql-attack-${process.pid}`);
  rmSync(file, { force: true });
  for (const [attack, why] of attacks) {
    const text = attack.replaceAll('{file}', file);
    const error = await t.throwsAsync(runSql(store.consoleTarget, text), { instanceOf: ConsoleRefusal }, text);
    t.regex(error!.message, why, text);
  }
  // With --write too, nothing outside the database is reached and statements stay single.
  for (const text of [`copy (select 1) to program 'touch ${file}'`, "select pg_read_file('/etc/hostname')", "commit; delete from payment_methods where code = 'alipay'"]) {
    await t.throwsAsync(runSql(store.consoleTarget, text, { write: true }), { instanceOf: ConsoleRefusal }, text);
  }
  t.false(existsSync(file), 'no file was written on the database host');
  t.deepEqual(await runSql(store.consoleTarget, alipayCount), [{ n: 1 }], 'no row was deleted');
});

test(title('below the guard, the transaction itself is read-only: a write hidden in a query is refused by the database'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  const hidden = [
    "with gone as (delete from payment_methods where code = 'alipay' returning code) select * from gone",
    "explain analyze delete from payment_methods where code = 'alipay'",
    "select * into stolen from payment_methods",
  ];
  for (const text of hidden) {
    await t.throwsAsync(runSql(store.consoleTarget, text), { message: /read-only transaction/ }, text);
  }
  t.deepEqual(await runSql(store.consoleTarget, alipayCount), [{ n: 1 }]);
  t.deepEqual(await runSql(store.consoleTarget, 'show transaction_read_only'), [{ transaction_read_only: 'on' }]);
});

test(title('queries run: strings, comments and trailing semicolons are only data, and every column is kept'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  t.deepEqual(await runSql(store.consoleTarget, "select 'pg_read_file; copy' as s, $t$;commit;$t$ as d; -- done"), [{ s: 'pg_read_file; copy', d: ';commit;' }]);
  t.deepEqual(await runSql(store.consoleTarget, '/* lead */ select 1 as a, 2 as a, 3 as a_2, 4 as a;'), [{ a: 1, a_3: 2, a_2: 3, a_4: 4 }]);
  t.deepEqual(await runSql(store.consoleTarget, "select e'\\'; delete from payment_methods; --' as s"), [{ s: "'; delete from payment_methods; --" }]);
  t.deepEqual(await runSql(store.consoleTarget, 'values (1, 2)'), [{ column1: 1, column2: 2 }]);
  t.deepEqual(await runSql(store.consoleTarget, "select \"code\" from payment_methods where code = 'alipay'"), [{ code: 'alipay' }]);
  await runSql(store.consoleTarget, "update payment_methods set name = name where code = 'alipay'", { write: true });
  t.deepEqual(await runSql(store.consoleTarget, alipayCount), [{ n: 1 }]);
});

test(title('the statement runs under a statement timeout'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  t.deepEqual(await runSql(store.consoleTarget, 'show statement_timeout', { timeoutMs: 2000 }), [{ statement_timeout: '2s' }]);
  if (store.engine === 'postgres') {
    // PGlite runs queries on the JavaScript thread and has no timer to cancel one; Postgres does.
    await t.throwsAsync(runSql(store.consoleTarget, 'select pg_sleep(10)', { timeoutMs: 300 }), { message: /ran longer than 0.3 s and was cancelled/ });
  }
});

test(title('otcwatch sql: a refusal is one line, duplicate columns show renamed, and OTCWATCH_READ_URL runs as the read-only role (postgres)'), async (t) => {
  const { cli, env } = await cliRig(t);
  // sql only reads: it never migrates, so the store is migrated first.
  t.is((await cli('migrate')).code, 0);
  const refused = await cli('sql', "copy (select 1) to program 'true'");
  t.is(refused.code, 1);
  t.is(refused.stderr, 'otcwatch: COPY is refused: COPY reads and writes server files and programs; select the rows instead\n');
  const dup = await cli('sql', 'select 1 as a, 2 as a');
  t.is(dup.code, 0, dup.stderr);
  t.regex(dup.stdout, /^a +\| a_2\n/);

  // The real boundary: a role that can only read, on its own database.
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createTestDatabase(serverUrl);
  const role = `otcwatch_reader_${process.pid}`;
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    await admin.query(`drop role if exists ${role}`).catch(() => {});
    await admin.query(`create role ${role} login`);
    await admin.query('create table evidence_copy (id int)');
    await admin.query('insert into evidence_copy values (1), (2)');
    await admin.query(`grant select on evidence_copy to ${role}`);
  } finally {
    await admin.end();
  }
  t.teardown(async () => {
    await database.drop();
    const cleanup = new pg.Client({ connectionString: serverUrl });
    await cleanup.connect();
    try {
      await cleanup.query(`drop role if exists ${role}`);
    } finally {
      await cleanup.end();
    }
  });
  const readUrl = new URL(database.url);
  readUrl.username = role;
  env.OTCWATCH_READ_URL = readUrl.toString();
  const who = await cli('sql', '--json', 'select current_user as who, count(*)::int as n from evidence_copy');
  t.is(who.code, 0, who.stderr);
  t.deepEqual(JSON.parse(who.stdout), [{ who: role, n: 2 }]);
});

test(title('otcwatch sql --timeout stops a runaway query on either store, and the next command runs'), async (t) => {
  const { cli } = await cliRig(t);
  t.is((await cli('migrate')).code, 0);
  const runaway = await cli('sql', '--timeout', '1', 'select count(*) from generate_series(1, 5000000000)');
  t.not(runaway.code, 0);
  t.regex(runaway.stderr, /^otcwatch: the statement ran longer than 1 s/);
  const next = await cli('sql', '--json', 'select 1 as n');
  t.is(next.code, 0, next.stderr);
  t.deepEqual(JSON.parse(next.stdout), [{ n: 1 }]);
});
